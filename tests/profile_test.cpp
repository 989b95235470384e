// The profile arithmetic (stats/layer_profile.hpp) on synthetic timings: cut points, segments from
// cut medians, time by type, fallback cost, the sum check, rank correlation, the validation against
// a reference, the GPU busy union and the launch-bound verdict.
#include <gtest/gtest.h>

#include <algorithm>

#include "zoobench/stats/layer_profile.hpp"

namespace zoobench::profile {
namespace {

std::vector<LayerInfo> layers(const std::vector<std::string>& types) {
  std::vector<LayerInfo> out;
  for (std::size_t i = 0; i < types.size(); ++i) out.push_back({"l" + std::to_string(i), types[i], false});
  return out;
}

TEST(ProfileCuts, EveryLayerWhenTheNetIsSmall) {
  EXPECT_EQ(choose_cut_points(4, {}, 10), (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(choose_cut_points(4, {}, 4), (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_TRUE(choose_cut_points(0, {}, 4).empty());
}

TEST(ProfileCuts, EvenGroupsEndingAtTheLastLayer) {
  const auto cuts = choose_cut_points(1000, {}, 10);
  ASSERT_FALSE(cuts.empty());
  EXPECT_EQ(cuts.back(), 999u);
  EXPECT_LE(cuts.size(), 11u);  // the last layer may add one
  EXPECT_GE(cuts.size(), 9u);
  EXPECT_TRUE(std::is_sorted(cuts.begin(), cuts.end()));
  EXPECT_EQ(cuts.front(), 99u);  // stride ceil(1000 / 10)
}

TEST(ProfileCuts, FallbackLayersStandAlone) {
  auto net = layers({"Conv", "ReLU", "Slice", "Conv", "ReLU", "Conv", "Add", "Conv", "ReLU", "Conv"});
  net[2].fallback = true;
  const auto must = fallback_neighbourhood(net);
  EXPECT_EQ(must, (std::vector<std::size_t>{1, 2, 3}));
  const auto cuts = choose_cut_points(net.size(), must, 5);
  for (std::size_t i : must) EXPECT_NE(std::find(cuts.begin(), cuts.end(), i), cuts.end()) << i;
  EXPECT_EQ(cuts.back(), 9u);
}

TEST(ProfileSegments, DifferencesOfCutMedians) {
  const auto net = layers({"Conv", "ReLU", "Conv", "Gemm"});
  // Cumulative medians 1, 3, 6, 10 -> segments 1, 2, 3, 4 (each cut's samples have a clear median).
  std::vector<CutTiming> cuts = {{0, {0.9, 1.0, 1.1}}, {1, {3.0, 2.9, 3.2}}, {2, {6.0, 6.1, 5.9}}, {3, {10, 11, 9}}};
  const auto segments = segments_from_cuts(net, cuts);
  ASSERT_EQ(segments.size(), 4u);
  EXPECT_DOUBLE_EQ(segments[0].ms, 1.0);
  EXPECT_DOUBLE_EQ(segments[1].ms, 2.0);
  EXPECT_DOUBLE_EQ(segments[2].ms, 3.0);
  EXPECT_DOUBLE_EQ(segments[3].ms, 4.0);
  EXPECT_DOUBLE_EQ(segments_sum(segments), 10.0);  // telescopes to the last cut's median
  EXPECT_EQ(segments[3].type, "Gemm");
}

TEST(ProfileSegments, GroupsCarryAllTheirTypesAndFallbacks) {
  auto net = layers({"Conv", "ReLU", "Slice", "Conv"});
  net[2].fallback = true;
  const auto segments = segments_from_cuts(net, {{1, {2.0}}, {3, {5.0}}});
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0].first, 0u);
  EXPECT_EQ(segments[0].last, 1u);
  EXPECT_EQ(segments[0].type, "Conv+ReLU");
  EXPECT_EQ(segments[1].type, "Conv+Slice");
  EXPECT_EQ(segments[1].fallback_layers, (std::vector<std::string>{"l2"}));
  EXPECT_TRUE(fallback_costs(segments).empty());  // a fallback inside a group has no cost of its own
}

TEST(ProfileSegments, FallbackCostIncludesTheNextSegment) {
  auto net = layers({"Conv", "Slice", "Conv"});
  net[1].fallback = true;
  const auto segments = segments_from_cuts(net, {{0, {1.0}}, {1, {1.5}}, {2, {4.0}}});
  const auto costs = fallback_costs(segments);
  ASSERT_EQ(costs.size(), 1u);
  EXPECT_EQ(costs[0].layer, "l1");
  EXPECT_DOUBLE_EQ(costs[0].own_ms, 0.5);
  EXPECT_DOUBLE_EQ(costs[0].next_ms, 2.5);
  EXPECT_DOUBLE_EQ(costs[0].with_copies_ms, 3.0);
}

TEST(ProfileSegments, AdjacentFallbackLayersDoNotCountEachOtherTwice) {
  // Two CPU layers in a row (YOLOX-Nano's Focus Slices): only the last one pays the upload back.
  auto net = layers({"Conv", "Slice", "Slice", "Conv"});
  net[1].fallback = true;
  net[2].fallback = true;
  const auto segments = segments_from_cuts(net, {{0, {1.0}}, {1, {1.5}}, {2, {2.25}}, {3, {4.0}}});
  const auto costs = fallback_costs(segments);
  ASSERT_EQ(costs.size(), 2u);
  EXPECT_DOUBLE_EQ(costs[0].own_ms, 0.5);
  EXPECT_DOUBLE_EQ(costs[0].next_ms, 0.0);
  EXPECT_DOUBLE_EQ(costs[0].with_copies_ms, 0.5);
  EXPECT_DOUBLE_EQ(costs[1].own_ms, 0.75);
  EXPECT_DOUBLE_EQ(costs[1].next_ms, 1.75);
  EXPECT_DOUBLE_EQ(costs[0].with_copies_ms + costs[1].with_copies_ms, 3.0);  // 4.0 - 1.0, nothing twice
}

TEST(ProfileSegments, TimeByTypeSumsAndSorts) {
  const auto net = layers({"Conv", "ReLU", "Conv", "ReLU"});
  const auto segments = segments_from_cuts(net, {{0, {2.0}}, {1, {2.5}}, {2, {5.5}}, {3, {6.0}}});
  const auto types = time_by_type(segments);
  ASSERT_EQ(types.size(), 2u);
  EXPECT_EQ(types[0].type, "Conv");
  EXPECT_DOUBLE_EQ(types[0].ms, 5.0);
  EXPECT_EQ(types[0].layers, 2u);
  EXPECT_DOUBLE_EQ(types[0].share, 5.0 / 6.0);
  EXPECT_EQ(types[1].type, "ReLU");
  EXPECT_EQ(costliest(segments, 1), (std::vector<std::size_t>{2}));
}

TEST(ProfileChecks, SumAgainstWholeForward) {
  const auto net = layers({"Conv", "Conv"});
  const auto segments = segments_from_cuts(net, {{0, {4.0}}, {1, {10.0}}});
  const auto ok = check_sum(segments, 10.5, 0.10);
  EXPECT_TRUE(ok.within);
  EXPECT_NEAR(ok.relative_error, 0.5 / 10.5, 1e-12);
  const auto off = check_sum(segments, 12.0, 0.10);
  EXPECT_FALSE(off.within);
  EXPECT_FALSE(check_sum(segments, 0.0, 0.10).within);  // no whole forward: never "within"
}

TEST(ProfileChecks, SpearmanWithTies) {
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  EXPECT_DOUBLE_EQ(spearman({1, 1, 1}, {1, 2, 3}), 0.0);  // constant side
  // Ranks of {1, 2, 2, 3} are {1, 2.5, 2.5, 4}: against {1, 2, 3, 4} Pearson of the ranks is 0.9487.
  EXPECT_NEAR(spearman({1, 2, 2, 3}, {1, 2, 3, 4}), 0.948683, 1e-6);
}

TEST(ProfileChecks, ValidationSumsTheReferenceOverEachSegment) {
  const auto net = layers({"Conv", "ReLU", "Conv", "ReLU", "Gemm"});
  // Segments: [0..1] 3 ms, [2..3] 5 ms, [4] 1 ms.
  const auto segments = segments_from_cuts(net, {{1, {3.0}}, {3, {8.0}}, {4, {9.0}}});
  const std::vector<double> reference = {2.5, 0.0, 4.0, 0.5, 0.8};  // per layer: 2.5, 4.5, 0.8 per segment
  const auto v = validate_against(segments, reference, 1);
  EXPECT_EQ(v.segments, 3u);
  EXPECT_DOUBLE_EQ(v.rank_correlation, 1.0);
  EXPECT_EQ(v.top_n, 1u);
  EXPECT_EQ(v.top_overlap, 1u);
  EXPECT_DOUBLE_EQ(v.top_share_method, 5.0 / 9.0);
  EXPECT_DOUBLE_EQ(v.top_share_reference, 4.5 / 7.8);
  EXPECT_DOUBLE_EQ(v.reference_total_ms, 7.8);
}

TEST(ProfileChecks, ValidationToleranceNeedsRankOverlapAndShares) {
  Validation v;
  v.top_n = 10;
  v.rank_correlation = 0.62;
  v.top_overlap = 7;
  v.top_share_method = 0.600;
  v.top_share_reference = 0.648;
  EXPECT_TRUE(meets_validation_tolerance(v));  // YOLOX-Nano by groups on the 2-core machine
  Validation low_rank = v;
  low_rank.rank_correlation = 0.154;  // YOLOX-Nano per layer there
  EXPECT_FALSE(meets_validation_tolerance(low_rank));
  Validation few_common = v;
  few_common.top_overlap = 5;
  EXPECT_FALSE(meets_validation_tolerance(few_common));
  Validation shares_apart = v;
  shares_apart.top_share_reference = 0.75;  // 15 points apart
  EXPECT_FALSE(meets_validation_tolerance(shares_apart));
  EXPECT_FALSE(meets_validation_tolerance(Validation{}));  // nothing compared
}

TEST(ProfileGpu, BusyIsTheUnionOfIntervals) {
  EXPECT_EQ(busy_ns({}), 0u);
  EXPECT_EQ(busy_ns({{0, 10}, {5, 15}, {20, 30}}), 25u);  // overlap counted once, the gap not at all
  EXPECT_EQ(busy_ns({{20, 30}, {0, 10}, {2, 3}}), 20u);   // unsorted, nested
  EXPECT_EQ(busy_ns({{5, 5}, {7, 6}}), 0u);               // empty or reversed records add nothing
}

TEST(ProfileGpu, MediansAndLaunchBoundVerdict) {
  std::vector<GpuForward> forwards(3);
  const double busy[] = {0.2, 0.3, 0.25};
  for (int i = 0; i < 3; ++i) {
    forwards[i].wall_ms = 1.0;
    forwards[i].busy_ms = busy[i];
    forwards[i].kernels = 100 + i;
    forwards[i].copies = 2;
    forwards[i].records_by_kind = {{"CONCURRENT_KERNEL", 100u + i}, {"MEMCPY", 2u}};
  }
  const auto s = summarise_gpu(forwards);
  EXPECT_EQ(s.forwards, 3u);
  EXPECT_DOUBLE_EQ(s.kernels, 101.0);
  EXPECT_DOUBLE_EQ(s.busy_share, 0.25);
  EXPECT_TRUE(s.launch_bound);
  EXPECT_EQ(s.records_by_kind.at("CONCURRENT_KERNEL"), 303u);
  EXPECT_EQ(s.records_by_kind.at("MEMCPY"), 6u);
  for (auto& f : forwards) f.busy_ms = 0.9;
  EXPECT_FALSE(summarise_gpu(forwards).launch_bound);
  EXPECT_EQ(summarise_gpu({}).forwards, 0u);
}

TEST(ProfileColdStart, SetupOverheadIsFirstMinusSteady) {
  ColdStart c;
  c.first_forward_ms = 250;
  c.steady_ms = 2;
  EXPECT_DOUBLE_EQ(c.setup_overhead_ms(), 248);
}

}  // namespace
}  // namespace zoobench::profile

namespace zoobench::profile {
namespace {

TEST(ProfileEstimator, MinIgnoresPreemptedForwards) {
  const std::vector<LayerInfo> net = {{"a", "Conv", false}, {"b", "Conv", false}};
  // Each cut has one undisturbed forward and two pre-empted ones.
  const std::vector<CutTiming> cuts = {{0, {2.0, 9.0, 8.0}}, {1, {5.0, 12.0, 30.0}}};
  const auto by_min = segments_from_cuts(net, cuts, Estimator::Min);
  EXPECT_DOUBLE_EQ(by_min[0].ms, 2.0);
  EXPECT_DOUBLE_EQ(by_min[1].ms, 3.0);
  const auto by_median = segments_from_cuts(net, cuts, Estimator::Median);
  EXPECT_DOUBLE_EQ(by_median[0].ms, 8.0);
  EXPECT_DOUBLE_EQ(by_median[1].ms, 4.0);
  EXPECT_STREQ(estimator_name(Estimator::Min), "min");
  EXPECT_DOUBLE_EQ(estimate({3, 1, 2}, Estimator::Median), 2.0);
}

}  // namespace
}  // namespace zoobench::profile
