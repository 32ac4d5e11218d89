#include "lstm/forecaster.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/limits.h"
#include "core/setup_code.h"
#include "format/reader.h"
#include "lstm/features.h"

namespace shelfcast {
namespace {

// Rows processed together: large enough to fill the GEMM tiles, small enough that the
// state and gate buffers of a chunk stay in L2 (128 rows of LSTM-64: ~200 KB).
constexpr size_t kChunkRows = 128;

// The messages of a refused request, built out of line and optimised for size: the
// checks in CheckRequest stay -O3, the string building runs only for a bad request
// (docs/size.md).
[[gnu::noinline]] SHELFCAST_SETUP_CODE Status BadWindowLength(size_t count, uint32_t window) {
  return InvalidArgument("window has " + std::to_string(count) + " values, the model needs " + std::to_string(window));
}
[[gnu::noinline]] SHELFCAST_SETUP_CODE Status BadHorizon(uint32_t horizon) {
  return InvalidArgument("horizon " + std::to_string(horizon) + " is outside 1.." +
                         std::to_string(limits::kMaxHorizon));
}
[[gnu::noinline]] SHELFCAST_SETUP_CODE Status BatchOverCap(size_t n) {
  return LimitExceeded("batch of " + std::to_string(n) + " series exceeds the cap of " +
                       std::to_string(limits::kMaxBatch));
}
[[gnu::noinline]] SHELFCAST_SETUP_CODE Status BadFirstDay(size_t i, DayNumber day) {
  return InvalidArgument("series " + std::to_string(i) + ": first forecast day " + std::to_string(day) +
                         " is outside 1900-01-01..2199-12-31");
}
[[gnu::noinline]] SHELFCAST_SETUP_CODE Status NotFinite(size_t i, size_t k) {
  return InvalidArgument("series " + std::to_string(i) + ", window position " + std::to_string(k) +
                         ": value is not a finite number");
}
[[gnu::noinline]] SHELFCAST_SETUP_CODE Status BadScale(size_t i, float scale) {
  return InvalidArgument("series " + std::to_string(i) +
                         ": window-mean normalisation needs mean(window) + offset > 0, got " + std::to_string(scale));
}
[[gnu::noinline]] SHELFCAST_SETUP_CODE Status OutOfNormRange(size_t i, size_t k, float v) {
  char value[32];
  std::snprintf(value, sizeof value, "%g", static_cast<double>(v));
  return InvalidArgument("series " + std::to_string(i) + ", window position " + std::to_string(k) + ": value " +
                         value + " is out of range for the model's normalisation");
}

}  // namespace

Forecaster::Forecaster() = default;
Forecaster::Forecaster(Forecaster&&) noexcept = default;
Forecaster& Forecaster::operator=(Forecaster&&) noexcept = default;
Forecaster::~Forecaster() = default;

SHELFCAST_SETUP_CODE
Result<Forecaster> Forecaster::Load(const uint8_t* bytes, size_t size, const KernelOptions& options) {
  SHELFCAST_ASSIGN_OR_RETURN(Model model, ReadModel(bytes, size));
  return Create(std::move(model), options);
}

SHELFCAST_SETUP_CODE Result<Forecaster> Forecaster::Create(Model model, const KernelOptions& options) {
  SHELFCAST_RETURN_IF_ERROR(ValidateModel(model));
  Forecaster f;
  f.options_ = options;
  for (const Layer& layer : model.layers) {
    if (layer.kind != LayerKind::kLstm) continue;
    std::unique_ptr<LstmLayerRunner> runner;
    SHELFCAST_ASSIGN_OR_RETURN(runner, MakeLstmLayerRunner(layer, options));
    f.lstm_.push_back(std::move(runner));
  }
  SHELFCAST_ASSIGN_OR_RETURN(DenseHead head, DenseHead::Make(model));
  f.head_.reset(new DenseHead(std::move(head)));
  // The scratch of a full chunk is allocated here too, so a successful forecast never
  // allocates: a failed allocation mid-forecast would abort the wasm module, one here is
  // refused up front (CreateBytesBound).
  for (auto& layer : f.lstm_) layer->Reserve(kChunkRows);
  f.x_.resize(kChunkRows * model.input_features());
  f.scale_.resize(kChunkRows);
  f.y_.resize(kChunkRows);
  f.model_ = std::move(model);
  return f;
}

SHELFCAST_SETUP_CODE size_t Forecaster::ReadBytesBound(size_t file_bytes) {
  // Decoding at most doubles a tensor's bytes (binary16 values and scales become float32;
  // every other encoding is decoded to its own size), plus a few dozen small vectors.
  return 2 * file_bytes + (64u << 10);
}

SHELFCAST_SETUP_CODE size_t Forecaster::CreateBytesBound(const Model& model) {
  size_t bytes = 64u << 10;  // vector and allocator bookkeeping, the layer objects
  for (const Layer& l : model.layers) {
    if (l.kind == LayerKind::kLstm) {
      // [W; U] and the bias as float32 padded to 48 columns (a multiple of every packing's
      // NR: 4, 8, 16, 24), four times: packing holds the
      // stacked copy and the packings for the batch-1 and the batched GEMM at once (before
      // that, W and U dequantised beside their stacked copy), and one copy of slack for
      // kernels that pack differently.
      const size_t rows = static_cast<size_t>(l.inputs) + l.units + 1;
      const size_t cols = (4 * static_cast<size_t>(l.units) + 47) / 48 * 48;
      bytes += 4 * sizeof(float) * rows * cols;
      // A chunk's [x, h], gates and cell state.
      bytes += sizeof(float) * kChunkRows * (static_cast<size_t>(l.inputs) + 6 * static_cast<size_t>(l.units));
    } else {
      bytes += sizeof(float) * (static_cast<size_t>(l.inputs) + 1) * l.units;  // the head's float copy
    }
  }
  bytes += kChunkRows * (sizeof(float) * model.input_features() + sizeof(WindowScale) + sizeof(float));
  return bytes;
}

SHELFCAST_SETUP_CODE std::string Forecaster::DescribeKernels() const {
  std::string s;
  for (size_t i = 0; i < lstm_.size(); ++i) {
    if (i) s += "; ";
    s += "lstm" + std::to_string(i) + ": " + lstm_[i]->Describe();
  }
  return s;
}

Status Forecaster::CheckRequest(size_t n, const float* sales, const DayNumber* days, uint32_t horizon,
                                const float* out) const {
  if (horizon < 1 || horizon > limits::kMaxHorizon) return BadHorizon(horizon);
  if (n > limits::kMaxBatch) return BatchOverCap(n);
  if (n > 0 && (sales == nullptr || out == nullptr)) return InvalidArgument("missing input or output buffer");
  if (needs_dates() && n > 0 && days == nullptr)
    return InvalidArgument("this model uses calendar features: give the date of the first forecast day");
  if (needs_dates()) {
    static const DayNumber kFirst = DaysFromCivil(1900, 1, 1), kLast = DaysFromCivil(2199, 12, 31);
    for (size_t i = 0; i < n; ++i)
      if (days[i] < kFirst || days[i] > kLast) return BadFirstDay(i, days[i]);
  }
  const size_t t = model_.window;
  for (size_t i = 0; i < n; ++i) {
    const float* window = sales + i * t;
    for (size_t k = 0; k < t; ++k)
      if (!std::isfinite(window[k])) return NotFinite(i, k);
    // Finite sales can still normalise to Inf: x / (mean + offset) when a window of
    // negative sales (returns) makes the divisor zero, or a value near FLT_MAX divided by
    // a scale below 1. Both are refused so no non-finite window value reaches a kernel.
    const WindowScale s = ScaleForWindow(model_, window, t);
    if (!(std::isfinite(s.scale) && s.scale > 0.f)) return BadScale(i, s.scale);
    for (size_t k = 0; k < t; ++k)
      if (!std::isfinite(s.Normalise(window[k]))) return OutOfNormRange(i, k, window[k]);
  }
  return Status::Ok();
}

Status Forecaster::Forecast(const float* sales, size_t count, DayNumber first_target_day, uint32_t horizon,
                            float* out) {
  if (count != model_.window) return BadWindowLength(count, model_.window);
  return ForecastBatch(1, sales, needs_dates() ? &first_target_day : nullptr, horizon, out);
}

Status Forecaster::ForecastBatch(size_t n, const float* sales, const DayNumber* first_target_days,
                                 uint32_t horizon, float* out) {
  SHELFCAST_RETURN_IF_ERROR(CheckRequest(n, sales, first_target_days, horizon, out));
  const size_t t = model_.window;
  for (size_t i = 0; i < n; i += kChunkRows) {
    const size_t m = std::min(kChunkRows, n - i);
    RunChunk(m, sales + i * t, first_target_days ? first_target_days + i : nullptr, horizon, out + i * horizon);
  }
  return Status::Ok();
}

void Forecaster::RunChunk(size_t m, const float* sales, const DayNumber* days, uint32_t horizon, float* out) {
  const size_t t_window = model_.window;
  const size_t f = model_.input_features();
  x_.resize(m * f);
  scale_.resize(m);
  y_.resize(m);
  for (auto& layer : lstm_) layer->Reset(m);
  for (size_t i = 0; i < m; ++i) scale_[i] = ScaleForWindow(model_, sales + i * t_window, t_window);

  const size_t steps = t_window + horizon - 1;
  for (size_t step = 0; step < steps; ++step) {
    for (size_t i = 0; i < m; ++i) {
      float* x = &x_[i * f];
      x[0] = step < t_window ? scale_[i].Normalise(sales[i * t_window + step]) : y_[i];
      if (f > 1) {
        // The input day of this step, counted back from the first forecast day.
        const DayNumber input_day = days[i] - static_cast<DayNumber>(t_window) + static_cast<DayNumber>(step);
        WriteCalendarFeatures(model_.calendar, input_day, x + 1);
      }
    }
    const float* in = x_.data();
    size_t in_stride = f;
    for (auto& layer : lstm_) {
      layer->Step(m, in, in_stride);
      in = layer->h();
      in_stride = layer->h_stride();
    }
    if (step + 1 >= t_window) {
      const size_t k = step + 1 - t_window;
      for (size_t i = 0; i < m; ++i) {
        y_[i] = head_->Run(in + i * in_stride);
        out[i * horizon + k] = scale_[i].Denormalise(y_[i]);
      }
    }
  }
}

}  // namespace shelfcast
