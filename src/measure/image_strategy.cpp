// Image metrics (Base, Detection, Recognition): per input, warm-up calls then timed calls of
// preprocess / infer / postprocess, each stage timed apart; the answer of each input kept.
#include "zoobench/measure/clock.hpp"
#include "zoobench/measure/measurable.hpp"

namespace zoobench {

namespace {

class ImageStrategy final : public Measurable {
 public:
  explicit ImageStrategy(std::unique_ptr<Model> model) : m_model(std::move(model)) {}

  void measure(const InputGroup& group, const Timing& timing, const FirstCall& first_call,
               SizeMeasurement& out) override {
    m_model->set_input_size(group.size);  // used by the Detection metric's families only
    bool first = true;
    for (const auto& item : group.items) {
      // Recognition configs run once per label row; everything else once per image.
      const int rows = item.labels.empty() ? 1 : item.labels.rows;
      for (int r = 0; r < rows; ++r) {
        const cv::Mat label_row = item.labels.empty() ? cv::Mat() : item.labels.row(r);
        for (int i = 0; i < timing.warmup + timing.repeat; ++i) {
          StageSamples* samples = i < timing.warmup ? nullptr : &out.samples;
          if (first) {
            first_call([&] { out.first_call_ms = call(item.image, label_row, samples); });
            first = false;
          } else {
            call(item.image, label_row, samples);
          }
          if (timing.after_call) timing.after_call(samples != nullptr);
        }
        out.answers.push_back(m_model->result());
        if (out.raw_outputs.empty()) {
          for (const auto& m : m_model->raw_outputs()) out.raw_outputs.push_back(m.clone());
        }
      }
    }
    out.summary = m_model->result_summary();
  }

  PlacementInput placement_view() const override {
    PlacementInput view;
    for (auto net : m_model->nets()) view.dumps.push_back(net.dump());
    view.net_visible = !view.dumps.empty();
    if (!view.net_visible) view.hidden_by = "an OpenCV API without a Net handle";
    return view;
  }

  std::vector<std::vector<int>> input_shapes() const override { return m_model->input_shapes(); }
  std::string stage_note() const override { return m_model->stage_note(); }

 private:
  // One pipeline call; appends its stage times to `samples` when given (timed calls).
  double call(const cv::Mat& image, const cv::Mat& label_row, StageSamples* samples) {
    const auto t0 = Clock::now();
    m_model->preprocess(image, label_row);
    const auto t1 = Clock::now();
    m_model->infer();
    const auto t2 = Clock::now();
    m_model->postprocess();
    const auto t3 = Clock::now();
    if (samples != nullptr) {
      samples->preprocess.push_back(ms_between(t0, t1));
      samples->infer.push_back(ms_between(t1, t2));
      samples->postprocess.push_back(ms_between(t2, t3));
      samples->total.push_back(ms_between(t0, t3));
    }
    return ms_between(t0, t3);
  }

  std::unique_ptr<Model> m_model;
};

}  // namespace

MeasurableFactory image_strategy(ModelFactory factory) {
  return [factory = std::move(factory)](const ModelContext& ctx) -> std::unique_ptr<Measurable> {
    return std::make_unique<ImageStrategy>(factory(ctx));
  };
}

}  // namespace zoobench
