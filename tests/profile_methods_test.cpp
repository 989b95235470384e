// The profile's second source and its robustness on synthetic timings: OpenCV's layer timer paired
// per forward with the wall time (stats/host_layer_times.hpp), the sweep order of the cut points and
// how it cancels a drifting clock (stats/cut_sweeps.hpp), the verdict with its evidence and the cost
// of recording GPU activity (stats/gpu_verdict.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "zoobench/stats/cut_sweeps.hpp"
#include "zoobench/stats/gpu_verdict.hpp"
#include "zoobench/stats/host_layer_times.hpp"
#include "zoobench/stats/layer_profile.hpp"

namespace zoobench::profile {
namespace {

std::vector<LayerInfo> net_of(const std::vector<std::string>& types) {
  std::vector<LayerInfo> out;
  for (std::size_t i = 0; i < types.size(); ++i) out.push_back({"l" + std::to_string(i), types[i], false});
  return out;
}

TEST(ProfileLayerTimer, PairsEachForwardWithItsOwnWallTime) {
  // Forward 2 runs on a slower machine state: its layers and its wall time scale together, so the
  // per-forward gap stays 10% even though the medians of walls and sums come from different forwards.
  const std::vector<HostForward> forwards = {
      {10.0, {2.0, 3.0, 4.0}}, {20.0, {4.0, 6.0, 8.0}}, {10.0, {2.0, 3.0, 4.0}}};
  const auto h = summarise_host_forwards(forwards, 3, 0.10);
  EXPECT_TRUE(h.unavailable.empty());
  EXPECT_EQ(h.forwards, 3u);
  EXPECT_EQ(h.layer_ms, (std::vector<double>{2.0, 3.0, 4.0}));
  EXPECT_DOUBLE_EQ(h.sum_ms, 9.0);
  EXPECT_DOUBLE_EQ(h.wall_ms, 10.0);
  EXPECT_NEAR(h.relative_gap, 0.10, 1e-12);
  EXPECT_DOUBLE_EQ(h.gap_ms, 1.0);
  EXPECT_TRUE(h.within);  // exactly at the tolerance
  const auto tight = summarise_host_forwards(forwards, 3, 0.05);
  EXPECT_FALSE(tight.within);
}

TEST(ProfileLayerTimer, SumAboveTheWallIsANegativeGap) {
  const auto h = summarise_host_forwards({{8.0, {5.0, 5.0}}}, 2, 0.10);
  EXPECT_NEAR(h.relative_gap, -0.25, 1e-12);
  EXPECT_FALSE(h.within);
}

TEST(ProfileLayerTimer, SaysWhyThereIsNoTable) {
  EXPECT_EQ(summarise_host_forwards({}, 3, 0.1).unavailable, "no forward was timed");
  const auto wrong = summarise_host_forwards({{1.0, {0.5, 0.5}}}, 3, 0.1);
  EXPECT_NE(wrong.unavailable.find("2 layer times, the net has 3"), std::string::npos) << wrong.unavailable;
  const auto zeros = summarise_host_forwards({{1.0, {0.0, 0.0}}}, 2, 0.1);
  EXPECT_NE(zeros.unavailable.find("zero for every layer"), std::string::npos) << zeros.unavailable;
  EXPECT_TRUE(zeros.layer_ms.empty());
  EXPECT_FALSE(zeros.within);
}

TEST(ProfileLayerTimer, OneSegmentPerLayerFeedsTheTablesAndFallbackCost) {
  auto net = net_of({"Conv", "Slice", "Conv", "Conv"});
  net[1].fallback = true;
  const std::vector<double> ms = {1.0, 4.0, 0.5, 2.0};
  const auto segments = host_segments(net, ms);
  ASSERT_EQ(segments.size(), 4u);
  EXPECT_DOUBLE_EQ(segments_sum(segments), 7.5);
  EXPECT_EQ(segments[1].fallback_layers, (std::vector<std::string>{"l1"}));
  const auto by_type = time_by_type(segments);
  EXPECT_EQ(by_type.front().type, "Slice");
  EXPECT_EQ(by_type[1].type, "Conv");
  EXPECT_DOUBLE_EQ(by_type[1].ms, 3.5);
  EXPECT_EQ(by_type[1].layers, 3u);
  const auto fallbacks = fallback_costs(segments);
  ASSERT_EQ(fallbacks.size(), 1u);
  EXPECT_DOUBLE_EQ(fallbacks[0].own_ms, 4.0);
  EXPECT_DOUBLE_EQ(fallbacks[0].next_ms, 0.5);  // the next layer carries the upload of its output
  EXPECT_DOUBLE_EQ(fallback_host_ms(net, ms), 4.0);
  // The cut method's segments against the layer timer: the same ranking gives a correlation of 1.
  const auto v = validate_against(segments, ms, 2);
  EXPECT_DOUBLE_EQ(v.rank_correlation, 1.0);
}

TEST(ProfileSweeps, CountIsEvenAndAtLeastTwo) {
  EXPECT_EQ(sweep_count(10, 2), 4u);  // 5 rounded down to even
  EXPECT_EQ(sweep_count(8, 2), 4u);
  EXPECT_EQ(sweep_count(20, 2), 10u);
  EXPECT_EQ(sweep_count(1, 2), 2u);
  EXPECT_EQ(sweep_count(12, 3), 4u);
  EXPECT_EQ(sweep_count(10, 0), 10u);  // a per-visit count below 1 counts as 1
}

TEST(ProfileSweeps, AlternateDirectionsWithWholeForwardsAtBothEnds) {
  const auto visits = sweep_schedule(3, 2);
  ASSERT_EQ(visits.size(), 10u);
  std::vector<std::string> order;
  for (const auto& v : visits) order.push_back(v.whole ? "W" : std::to_string(v.cut));
  EXPECT_EQ(order, (std::vector<std::string>{"W", "0", "1", "2", "W", "W", "2", "1", "0", "W"}));
  EXPECT_EQ(visits[4].sweep, 0u);
  EXPECT_EQ(visits[5].sweep, 1u);
  // Every cut point once per sweep.
  std::map<std::size_t, int> per_cut;
  for (const auto& v : sweep_schedule(5, 4)) {
    if (!v.whole) per_cut[v.cut]++;
  }
  ASSERT_EQ(per_cut.size(), 5u);
  for (const auto& [cut, n] : per_cut) EXPECT_EQ(n, 4) << cut;
  EXPECT_TRUE(sweep_schedule(0, 2).size() == 4u);  // whole forwards only
}

// Times a schedule on a clock that slows down linearly: a forward that costs c at time 0 costs
// c * (1 + drift * t) at time t, and time advances by every forward (re-setup, warm-up and timed).
struct DriftResult {
  std::vector<Segment> segments;
  SumCheck check;
};
DriftResult time_on_drifting_clock(const std::vector<Visit>& visits, const std::vector<double>& cumulative_ms,
                                   double whole_ms, int per_visit, double drift) {
  const auto layers = net_of(std::vector<std::string>(cumulative_ms.size(), "Conv"));
  std::vector<CutTiming> cuts(cumulative_ms.size());
  for (std::size_t i = 0; i < cuts.size(); ++i) cuts[i].layer = i;
  std::vector<double> whole;
  double t = 0;
  auto forward = [&](double cost) {
    const double took = cost * (1 + drift * t);
    t += took;
    return took;
  };
  for (const auto& v : visits) {
    const double cost = v.whole ? whole_ms : cumulative_ms[v.cut];
    forward(cost);  // re-setup
    forward(cost);  // warm-up
    for (int i = 0; i < per_visit; ++i) {
      const double took = forward(cost);
      (v.whole ? whole : cuts[v.cut].samples_ms).push_back(took);
    }
  }
  DriftResult r;
  r.segments = segments_from_cuts(layers, cuts);
  r.check = check_sum(r.segments, estimate(whole, Estimator::Median), kDefaultSumTolerance);
  return r;
}

// The same cut points, each timed in one block in order, whole forwards before and after (the
// method before the sweeps).
std::vector<Visit> blocks(std::size_t cut_count, std::size_t per_block_visits) {
  std::vector<Visit> visits;
  for (std::size_t i = 0; i < per_block_visits; ++i) visits.push_back({0, true, 0});
  for (std::size_t c = 0; c < cut_count; ++c) {
    for (std::size_t i = 0; i < per_block_visits; ++i) visits.push_back({0, false, c});
  }
  for (std::size_t i = 0; i < per_block_visits; ++i) visits.push_back({0, true, 0});
  return visits;
}

TEST(ProfileSweeps, AlternatingSweepsCancelALinearDrift) {
  // 30 layers of 0.1 .. 3.0 ms; the whole forward costs what the last cut does. The clock slows by
  // 1% per 100 ms, so over the ~10 s of timing it ends about twice as slow as it started.
  std::vector<double> cumulative, truth;
  double sum = 0;
  for (int i = 0; i < 30; ++i) {
    truth.push_back(0.1 * (i + 1));
    sum += truth.back();
    cumulative.push_back(sum);
  }
  const double drift = 1e-4;
  const auto swept = time_on_drifting_clock(sweep_schedule(30, sweep_count(8, 2)), cumulative, sum, 2, drift);
  EXPECT_TRUE(swept.check.within) << swept.check.relative_error;
  // Not exactly 0: as the clock slows, later sweeps take longer, so the drift is not quite linear in
  // the visit order (a second-order effect, 2% here for a clock that ends 1.8x slower).
  EXPECT_LT(swept.check.relative_error, 0.05);
  // Each segment keeps its true share of the sum: the drift scales them all alike.
  const double scale = segments_sum(swept.segments) / sum;
  ASSERT_EQ(swept.segments.size(), truth.size());
  for (std::size_t i = 0; i < truth.size(); ++i) {
    EXPECT_NEAR(swept.segments[i].ms, truth[i] * scale, 0.05 * truth[i] * scale + 0.02) << i;
  }

  // The same forwards in blocks, in order: early cuts cheap, late cuts dear, and the segments come
  // out wrong by the drift (this is what the sweeps are there to prevent).
  const auto blocked = time_on_drifting_clock(blocks(30, 4), cumulative, sum, 2, drift);
  double worst = 0;
  const double blocked_scale = segments_sum(blocked.segments) / sum;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    worst = std::max(worst, std::abs(blocked.segments[i].ms - truth[i] * blocked_scale) / (truth[i] * blocked_scale));
  }
  EXPECT_GT(worst, 0.2) << "a blocked schedule on a drifting clock should distort segments";
  EXPECT_FALSE(blocked.check.within) << blocked.check.relative_error;
}

GpuBusySummary gpu_with(double busy_share, double wall_ms = 4.0) {
  GpuBusySummary g;
  g.forwards = 10;
  g.wall_ms = wall_ms;
  g.busy_ms = busy_share * wall_ms;
  g.busy_share = busy_share;
  g.kernels = 132;
  g.copies_to_host = 12;
  return g;
}

TEST(ProfileVerdict, GpuBoundFromHalfTheForward) {
  const auto v = classify_bound(gpu_with(0.62), true, 0, 0, 4.0);
  EXPECT_EQ(v.bound, Bound::GpuBound);
  EXPECT_STREQ(bound_name(v.bound), "GPU-BOUND");
  EXPECT_EQ(classify_bound(gpu_with(0.5), true, 0, 0, 4.0).bound, Bound::GpuBound);
}

TEST(ProfileVerdict, HostBoundByLaunchesOrByFallback) {
  // YuNet-like: GPU busy 7.7%, no fallback layer: the idle time is launches and host work.
  const auto yunet = classify_bound(gpu_with(0.077), true, 0, 0, 3.9);
  EXPECT_EQ(yunet.bound, Bound::HostBoundLaunch);
  EXPECT_NEAR(yunet.idle_share, 0.923, 1e-12);
  // Fallback layers taking 60% of the forward's host time cover most of a 97% idle GPU.
  const auto heavy = classify_bound(gpu_with(0.03, 36), true, 8, 21.6, 36);
  EXPECT_EQ(heavy.bound, Bound::HostBoundFallback);
  EXPECT_DOUBLE_EQ(heavy.fallback_share, 0.6);
  EXPECT_STREQ(bound_name(heavy.bound), "HOST-BOUND (CPU fallback)");
  // The same layers at 10% do not.
  EXPECT_EQ(classify_bound(gpu_with(0.03, 36), true, 8, 3.6, 36).bound, Bound::HostBoundLaunch);
  // YOLOX-Nano on the H200: Slices 15 of 35.7 ms, GPU busy 3%: a cause, not the cause.
  const auto yolox = classify_bound(gpu_with(0.03, 35.7), true, 8, 15.0, 35.7);
  EXPECT_EQ(yolox.bound, Bound::HostBoundMixed);
  EXPECT_STREQ(bound_name(yolox.bound), "HOST-BOUND (launches and CPU fallback)");
}

TEST(ProfileVerdict, HonestWhereEvidenceIsMissing) {
  // No GPU activity: no verdict at all.
  EXPECT_EQ(classify_bound(gpu_with(0.05), false, 0, 0, 4.0).bound, Bound::Unknown);
  EXPECT_EQ(classify_bound(GpuBusySummary{}, true, 0, 0, 4.0).bound, Bound::Unknown);
  // Host-bound with fallback layers but no layer timer: the cause is not claimed.
  const auto v = classify_bound(gpu_with(0.05), true, 3, 0, 0);
  EXPECT_EQ(v.bound, Bound::HostBound);
  EXPECT_FALSE(v.fallback_known);
  // Without fallback layers the missing timer does not matter.
  EXPECT_EQ(classify_bound(gpu_with(0.05), true, 0, 0, 0).bound, Bound::HostBoundLaunch);
}

TEST(ProfileVerdict, RecordingOverheadIsARatioOfMedians) {
  EXPECT_DOUBLE_EQ(recording_overhead({4.4, 4.0, 4.2}, {4.0, 3.8, 3.6}), 4.2 / 3.8);
  EXPECT_DOUBLE_EQ(recording_overhead({}, {1.0}), 0.0);
  EXPECT_DOUBLE_EQ(recording_overhead({1.0}, {}), 0.0);
}

}  // namespace
}  // namespace zoobench::profile
