// Forecaster: the runtime's public C++ API. Load a model file, forecast sales.
//
//   std::vector<uint8_t> bytes = ...;                        // a .shcf model file
//   Result<Forecaster> f = Forecaster::Load(bytes.data(), bytes.size());
//   if (!f.ok()) { report(f.status().message()); return; }
//   std::vector<float> window(f->window());                  // last T days, oldest first
//   float next;
//   Status s = f->Forecast(window.data(), window.size(), first_target_day, 1, &next);
//
// Inputs are raw sales and outputs are sales: normalisation and calendar features are
// part of the model. Multi-day forecasts are recursive: after the window, each
// prediction is fed back as the next day's input, continuing the LSTM state (the window
// is not re-run) with the window's normalisation kept.
//
// `first_target_day` is the day number (core/date.h) of the first forecast day; models
// with calendar features need it, others ignore it.
//
// Input rule: every window value must be finite (NaN/Inf -> kInvalidArgument naming the
// series and position) and must normalise to a finite number (a value near FLT_MAX under
// a scale below 1, or a window-mean model with mean(window) + offset <= 0, is refused the
// same way), so no non-finite window value ever reaches a kernel.
//
// A Forecaster owns scratch buffers: one instance must not be used by two threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "format/model.h"
#include "lstm/features.h"
#include "lstm/layer.h"

namespace shelfcast {

class Forecaster {
 public:
  // Reads the bytes with the bounds-checked reader, validates, packs weights for the
  // chosen kernels. All allocation of weights happens here.
  static Result<Forecaster> Load(const uint8_t* bytes, size_t size, const KernelOptions& options = {});
  static Result<Forecaster> Create(Model model, const KernelOptions& options = {});

  // Upper bounds on the bytes loading allocates, for callers that must never fail an
  // allocation midway (the wasm engine, built without exceptions, would abort; it admits a
  // model only when these fit its heap): ReadModel of a file of `file_bytes` (the Model it
  // returns included), then Create on top of that Model (packed weights, the transient
  // copies made while packing, and the scratch of a full batch chunk). After Create, a
  // successful forecast allocates nothing.
  static size_t ReadBytesBound(size_t file_bytes);
  static size_t CreateBytesBound(const Model& model);

  Forecaster(Forecaster&&) noexcept;
  Forecaster& operator=(Forecaster&&) noexcept;
  ~Forecaster();

  const Model& model() const { return model_; }
  uint32_t window() const { return model_.window; }
  bool needs_dates() const { return model_.calendar != kCalendarNone; }
  // The kernels each layer runs, e.g. "lstm0: f32_gemm_ukernel_1x16__simd (batch 1), ...".
  std::string DescribeKernels() const;

  // One series: `count` must equal window(). out receives `horizon` values.
  Status Forecast(const float* sales, size_t count, DayNumber first_target_day, uint32_t horizon,
                  float* out);

  // n series: sales is n rows of window() values (row-major), first_target_days holds n
  // day numbers (or nullptr when the model needs no dates), out n rows of `horizon`.
  Status ForecastBatch(size_t n, const float* sales, const DayNumber* first_target_days,
                       uint32_t horizon, float* out);

 private:
  Forecaster();
  Status CheckRequest(size_t n, const float* sales, const DayNumber* days, uint32_t horizon,
                      const float* out) const;
  void RunChunk(size_t m, const float* sales, const DayNumber* days, uint32_t horizon, float* out);

  Model model_;
  KernelOptions options_;
  std::vector<std::unique_ptr<LstmLayerRunner>> lstm_;
  std::unique_ptr<DenseHead> head_;
  std::vector<float> x_;            // [chunk][input_features]
  std::vector<WindowScale> scale_;  // [chunk]
  std::vector<float> y_;            // [chunk] last normalised prediction
};

}  // namespace shelfcast
