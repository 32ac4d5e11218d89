// Embind bindings: a thin layer over the runtime for web/shelfcast.js, which is the
// public JS API. Bulk data never crosses element by element: the JS side copies typed
// arrays into the wasm heap and passes pointers (as numbers); results come back the
// same way. Errors come back as strings ("" = success) so no C++ exception or JS throw
// crosses the boundary mid-call; the JS wrapper turns them into Error objects.
#include <emscripten/bind.h>
#include <emscripten/heap.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "core/limits.h"
#include "format/encoding.h"
#include "format/reader.h"
#include "kernels/simd.h"
#include "lstm/forecaster.h"
#include "lstm/stream.h"
#include "wasm/load_model.h"

namespace shelfcast {
namespace {

using emscripten::val;

// The documented caps (core/limits.h), for pages that check input before sending it.
val Limits() {
  val o = val::object();
  o.set("maxModelBytes", static_cast<double>(limits::kMaxModelBytes));
  o.set("maxHidden", limits::kMaxHidden);
  o.set("maxLayers", limits::kMaxLayers);
  o.set("maxWindow", limits::kMaxWindow);
  o.set("maxHorizon", limits::kMaxHorizon);
  o.set("maxBatch", limits::kMaxBatch);
  o.set("maxMemoryBytes", static_cast<double>(emscripten_get_heap_max()));
  return o;
}

// Current size of the wasm memory: it only grows, so tests read it to show a request
// stayed within bounds.
double MemoryBytes() { return static_cast<double>(emscripten_get_heap_size()); }

// 0 when `s` is ok; else 1, its message kept in *error for the handle's lastError(). The
// handles' per-call functions return this instead of a std::string, which would cost every
// call a malloc and a free for Embind's copy, and build no string on success.
int Report(const Status& s, std::string* error) {
  if (s.ok()) return 0;
  *error = s.message();
  return 1;
}

class ModelHandle {
 public:
  ModelHandle(uintptr_t bytes, size_t size, bool use_simd) {
    Result<Forecaster> f = wasm::LoadForecaster(reinterpret_cast<const uint8_t*>(bytes), size, use_simd,
                                                "dispose() models no longer in use");
    if (!f.ok()) {
      error_ = f.status().message();
      return;
    }
    forecaster_.reset(new Forecaster(std::move(f).value()));
    file_bytes_ = size;
    use_simd_ = use_simd;
  }

  std::string error() const { return error_; }

  val info() const {
    val o = val::object();
    if (!forecaster_) return o;
    const Model& m = forecaster_->model();
    o.set("window", m.window);
    o.set("horizon", m.horizon);
    o.set("normalisation", std::string(NormKindName(m.norm)));
    o.set("dayOfWeek", (m.calendar & kCalendarDayOfWeek) != 0);
    o.set("month", (m.calendar & kCalendarMonth) != 0);
    o.set("needsDates", forecaster_->needs_dates());
    o.set("inputFeatures", m.input_features());
    o.set("parameters", static_cast<double>(m.parameter_count()));
    o.set("fileBytes", static_cast<double>(file_bytes_));
    o.set("kernels", forecaster_->DescribeKernels());
    val layers = val::array();
    size_t stored = 0;
    for (size_t li = 0; li < m.layers.size(); ++li) {
      const Layer& l = m.layers[li];
      val lj = val::object();
      lj.set("kind", std::string(LayerKindName(l.kind)));
      lj.set("inputs", l.inputs);
      lj.set("units", l.units);
      val tensors = val::array();
      for (const Tensor& t : l.tensors) {
        val tj = val::object();
        tj.set("name", TensorName(m, li, t.role));
        tj.set("rows", t.rows);
        tj.set("cols", t.cols);
        tj.set("encoding", std::string(EncodingName(t.encoding)));
        tj.set("stored", static_cast<double>(t.StoredCount()));
        tj.set("bytes", static_cast<double>(EncodedTensorBytes(t)));
        stored += t.StoredCount();
        tensors.call<void>("push", tj);
      }
      lj.set("tensors", tensors);
      layers.call<void>("push", lj);
    }
    o.set("layers", layers);
    o.set("storedParameters", static_cast<double>(stored));
    return o;
  }

  // sales: n * window floats; days: n int32 day numbers or 0 (null); out: n * horizon floats.
  // Returns 0, or 1 with the reason in lastError() (Report).
  int forecastBatch(size_t n, uintptr_t sales, uintptr_t days, uint32_t horizon, uintptr_t out) {
    if (!forecaster_) return Report(InvalidArgument("model not loaded: " + error_), &last_error_);
    return Report(forecaster_->ForecastBatch(n, reinterpret_cast<const float*>(sales),
                                             reinterpret_cast<const DayNumber*>(days), horizon,
                                             reinterpret_cast<float*>(out)),
                  &last_error_);
  }
  std::string lastError() const { return last_error_; }

  // What the model's streams share, made on the first stream (streams keep it alive
  // after the model handle is deleted).
  Result<std::shared_ptr<StreamModel>> streamModel() const {
    if (!forecaster_) return InvalidArgument("model not loaded: " + error_);
    if (!stream_model_) {
      Result<std::shared_ptr<StreamModel>> sm = StreamModel::Create(forecaster_->model(), KernelOptions{use_simd_});
      if (!sm.ok()) return sm.status();
      stream_model_ = std::move(sm).value();
    }
    return stream_model_;
  }

 private:
  std::unique_ptr<Forecaster> forecaster_;
  mutable std::shared_ptr<StreamModel> stream_model_;
  std::string error_;
  std::string last_error_;
  size_t file_bytes_ = 0;
  bool use_simd_ = true;
};

// One series' stream (lstm/stream.h). The per-step calls return 0 on success and 1 on
// failure with the message in lastError() (Report).
class StreamHandle {
 public:
  StreamHandle(const ModelHandle& model, bool window_kind) {
    Result<std::shared_ptr<StreamModel>> sm = model.streamModel();
    if (!sm.ok()) {
      error_ = sm.status().message();
      return;
    }
    Result<std::unique_ptr<SeriesStream>> s = window_kind ? MakeWindowStream(sm.value()) : MakeLstmStream(sm.value());
    if (!s.ok()) {
      error_ = s.status().message();
      return;
    }
    stream_ = std::move(s).value();
  }

  std::string error() const { return stream_ ? std::string() : error_; }
  std::string lastError() const { return error_; }
  std::string kind() const { return stream_ ? StreamKindName(stream_->kind()) : ""; }
  std::string fingerprint() const {
    if (!stream_) return "";
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(stream_->stream_model().fingerprint()));
    return buf;
  }

  int step(float value, int32_t day, bool has_day) {
    if (!stream_) return 1;
    return Report(stream_->Step(value, has_day ? &day : nullptr), &error_);
  }
  // out: horizon floats.
  int forecast(uint32_t horizon, uintptr_t out) {
    if (!stream_) return 1;
    return Report(stream_->Forecast(horizon, reinterpret_cast<float*>(out)), &error_);
  }
  // Serialises the state into a buffer that stateData()/stateSize() expose until the next call.
  void saveState() {
    if (stream_) saved_ = stream_->SaveState();
  }
  uintptr_t stateData() const { return reinterpret_cast<uintptr_t>(saved_.data()); }
  size_t stateSize() const { return saved_.size(); }
  int restoreState(uintptr_t bytes, size_t size) {
    if (!stream_) return 1;
    return Report(stream_->RestoreState(reinterpret_cast<const uint8_t*>(bytes), size), &error_);
  }
  void reset() {
    if (stream_) stream_->Reset();
  }
  double steps() const { return stream_ ? static_cast<double>(stream_->steps()) : 0; }
  bool hasDay() const { return stream_ && stream_->has_day(); }
  int32_t lastDay() const { return stream_ ? stream_->last_day() : 0; }

 private:
  std::unique_ptr<SeriesStream> stream_;
  std::string error_;
  std::vector<uint8_t> saved_;
};

bool SimdBuild() { return SHELFCAST_HAVE_SIMD != 0; }

}  // namespace
}  // namespace shelfcast

EMSCRIPTEN_BINDINGS(shelfcast) {
  using namespace emscripten;
  using shelfcast::ModelHandle;
  class_<ModelHandle>("ModelHandle")
      .constructor<uintptr_t, size_t, bool>()
      .function("error", &ModelHandle::error)
      .function("info", &ModelHandle::info)
      .function("forecastBatch", &ModelHandle::forecastBatch)
      .function("lastError", &ModelHandle::lastError);
  using shelfcast::StreamHandle;
  class_<StreamHandle>("StreamHandle")
      .constructor<const ModelHandle&, bool>()
      .function("error", &StreamHandle::error)
      .function("lastError", &StreamHandle::lastError)
      .function("kind", &StreamHandle::kind)
      .function("fingerprint", &StreamHandle::fingerprint)
      .function("step", &StreamHandle::step)
      .function("forecast", &StreamHandle::forecast)
      .function("saveState", &StreamHandle::saveState)
      .function("stateData", &StreamHandle::stateData)
      .function("stateSize", &StreamHandle::stateSize)
      .function("restoreState", &StreamHandle::restoreState)
      .function("reset", &StreamHandle::reset)
      .function("steps", &StreamHandle::steps)
      .function("hasDay", &StreamHandle::hasDay)
      .function("lastDay", &StreamHandle::lastDay);
  function("simdBuild", &shelfcast::SimdBuild);
  function("limits", &shelfcast::Limits);
  function("memoryBytes", &shelfcast::MemoryBytes);
}
