// The core engine's C ABI (shelfcast-core.wasm): load a model, describe it, forecast one
// window or a batch, free it. What a kiosk that only forecasts needs, with no Embind and
// no Emscripten glue: web/shelfcast-core.js instantiates the module itself and calls
// these exports with pointers into its memory (docs/size.md, README "Kiosk embedding").
//
// The same runtime as shelfcast-engine (Forecaster::Create, the same kernels); only the
// binding differs. Errors: a call that fails returns 0 (load) or 1 (forecasts) and keeps
// the runtime's message, readable through sc_last_error() / sc_last_error_length() until
// the next failing call.
#include <emscripten/emscripten.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/limits.h"
#include "kernels/simd.h"
#include "lstm/forecaster.h"
#include "wasm/load_model.h"

namespace shelfcast {
namespace {

std::string last_error;

int Fail(const Status& s) {
  if (s.ok()) return 0;
  last_error = s.message();
  return 1;
}

}  // namespace
}  // namespace shelfcast

using shelfcast::Forecaster;

extern "C" {

// The heap, for the loader's copies in and out.
EMSCRIPTEN_KEEPALIVE void* sc_malloc(size_t size) { return std::malloc(size); }
EMSCRIPTEN_KEEPALIVE void sc_free(void* p) { std::free(p); }

// The message of the last failed call (UTF-8, not NUL-terminated for the reader's sake:
// its length is sc_last_error_length()).
EMSCRIPTEN_KEEPALIVE const char* sc_last_error() { return shelfcast::last_error.data(); }
EMSCRIPTEN_KEEPALIVE size_t sc_last_error_length() { return shelfcast::last_error.size(); }

// 1 when this module's kernels are the SIMD128 ones, 0 for a portable build.
EMSCRIPTEN_KEEPALIVE int sc_simd_build() { return SHELFCAST_HAVE_SIMD != 0; }

// The caps the loader checks before copying anything in (core/limits.h).
EMSCRIPTEN_KEEPALIVE size_t sc_max_model_bytes() { return shelfcast::limits::kMaxModelBytes; }
EMSCRIPTEN_KEEPALIVE uint32_t sc_max_horizon() { return shelfcast::limits::kMaxHorizon; }
EMSCRIPTEN_KEEPALIVE uint32_t sc_max_batch() { return shelfcast::limits::kMaxBatch; }

// Loads a model file (`size` bytes at `bytes`; the caller keeps and frees them). Returns
// a handle, or 0 with the reason in sc_last_error(). use_simd = 0 runs the scalar
// reference kernels (the same arithmetic, for checks).
EMSCRIPTEN_KEEPALIVE Forecaster* sc_model_load(const uint8_t* bytes, size_t size, int use_simd) {
  shelfcast::Result<Forecaster> f =
      shelfcast::wasm::LoadForecaster(bytes, size, use_simd != 0, "free models no longer in use");
  if (!f.ok()) {
    shelfcast::Fail(f.status());
    return nullptr;
  }
  return new Forecaster(std::move(f).value());
}

EMSCRIPTEN_KEEPALIVE void sc_model_free(Forecaster* f) { delete f; }

// What a caller needs to build requests: the window length, the model's own horizon,
// whether forecasts need the first target day (calendar inputs), the parameter count.
EMSCRIPTEN_KEEPALIVE uint32_t sc_model_window(const Forecaster* f) { return f->window(); }
EMSCRIPTEN_KEEPALIVE uint32_t sc_model_horizon(const Forecaster* f) { return f->model().horizon; }
EMSCRIPTEN_KEEPALIVE int sc_model_needs_dates(const Forecaster* f) { return f->needs_dates(); }
EMSCRIPTEN_KEEPALIVE double sc_model_parameters(const Forecaster* f) {
  return static_cast<double>(f->model().parameter_count());
}

// One window of sc_model_window() sales; first_day: day number of the first forecast day
// (ignored unless the model needs dates); out: `horizon` floats. 0 = ok, 1 = error.
EMSCRIPTEN_KEEPALIVE int sc_forecast(Forecaster* f, const float* sales, size_t count, int32_t first_day,
                                     uint32_t horizon, float* out) {
  return shelfcast::Fail(f->Forecast(sales, count, first_day, horizon, out));
}

// n windows (row-major), days: n day numbers or 0 (null) when the model needs none,
// out: n * horizon floats. 0 = ok, 1 = error.
EMSCRIPTEN_KEEPALIVE int sc_forecast_batch(Forecaster* f, size_t n, const float* sales, const int32_t* days,
                                           uint32_t horizon, float* out) {
  return shelfcast::Fail(f->ForecastBatch(n, sales, days, horizon, out));
}

}  // extern "C"
