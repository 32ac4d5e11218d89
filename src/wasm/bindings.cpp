// Embind bindings: a thin layer over the runtime for web/shelfcast.js, which is the
// public JS API. Bulk data never crosses element by element: the JS side copies typed
// arrays into the wasm heap and passes pointers (as numbers); results come back the
// same way. Errors come back as strings ("" = success) so no C++ exception or JS throw
// crosses the boundary mid-call; the JS wrapper turns them into Error objects.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <memory>
#include <string>

#include "format/encoding.h"
#include "kernels/simd.h"
#include "lstm/forecaster.h"

namespace shelfcast {
namespace {

using emscripten::val;

class ModelHandle {
 public:
  ModelHandle(uintptr_t bytes, size_t size, bool use_simd) {
    Result<Forecaster> f =
        Forecaster::Load(reinterpret_cast<const uint8_t*>(bytes), size, KernelOptions{use_simd});
    if (!f.ok()) {
      error_ = f.status().message();
      return;
    }
    forecaster_.reset(new Forecaster(std::move(f).value()));
    file_bytes_ = size;
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
  std::string forecastBatch(size_t n, uintptr_t sales, uintptr_t days, uint32_t horizon, uintptr_t out) {
    if (!forecaster_) return "model not loaded: " + error_;
    const Status s = forecaster_->ForecastBatch(n, reinterpret_cast<const float*>(sales),
                                                reinterpret_cast<const DayNumber*>(days), horizon,
                                                reinterpret_cast<float*>(out));
    return s.ok() ? std::string() : s.message();
  }

 private:
  std::unique_ptr<Forecaster> forecaster_;
  std::string error_;
  size_t file_bytes_ = 0;
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
      .function("forecastBatch", &ModelHandle::forecastBatch);
  function("simdBuild", &shelfcast::SimdBuild);
}
