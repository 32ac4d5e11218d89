// Fuzz target model_forecast: any bytes -> ReadModel -> Forecaster::Create -> forecasts,
// so every kernel runs on whatever shapes and weights a file can make it run on, through
// both the SIMD and the scalar reference kernels, the batch-1 (GEMV) and the batched
// (GEMM tile + remainder) paths, the recursive horizon and the calendar features.
// Inputs get a valid CRC first (model_input.h).
//
// Properties beyond "no crash, no undefined behaviour, no leak":
//   - a model the reader accepts either builds or is refused as kUnsupported (an
//     encoding this build has no kernel for), never another error;
//   - a zero window, and windows of small sales made from the input's bytes, forecast
//     (a valid model and a finite window are a valid request) unless the model's own
//     normalisation sends them out of float range, which is refused with that reason;
//   - windows of the input's raw float bits (NaN, Inf, 1e38, denormals) either forecast
//     or are refused as kInvalidArgument with the documented message.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/date.h"
#include "format/reader.h"
#include "fuzz_check.h"
#include "model_input.h"
#include "lstm/forecaster.h"

using namespace shelfcast;

namespace {

// Horizon actually forecast: from the second recursive day on the code path repeats, and
// a 366-day horizon would only make each input slower.
constexpr uint32_t kMaxFuzzHorizon = 3;
// Rows of the byte-made batch: one 6-row GEMM tile of the SIMD kernel plus a remainder.
constexpr size_t kBatchRows = 7;
// Multiply-adds above which an input only gets the zero-window forecast. A sparse LSTM of
// a few hundred units over 1024 days fits in a few dozen KB; run in full, under ASan it
// takes seconds per input and starves the search. Its shapes still run once.
constexpr double kFullWorkBudget = 3e7;

const DayNumber kFirstDay = DaysFromCivil(1900, 1, 1);
const DayNumber kLastDay = DaysFromCivil(2199, 12, 31);

double WorkPerRow(const Model& m, uint32_t horizon) {
  double per_step = 0;
  for (const Layer& l : m.layers)
    per_step += static_cast<double>(l.inputs + (l.kind == LayerKind::kLstm ? l.units : 0)) *
                (l.kind == LayerKind::kLstm ? 4.0 : 1.0) * l.units;
  return per_step * (m.window + horizon);
}

uint32_t U32At(const uint8_t* data, size_t size, size_t i) {
  uint32_t v = 0;
  for (size_t b = 0; b < 4; ++b) v |= static_cast<uint32_t>(data[(4 * i + b) % size]) << (8 * b);
  return v;
}

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// The one refusal a finite window can get: a model whose normalisation sends it to Inf
// (an offset near FLT_MAX, a scale near 0).
bool OutOfNormalisationRange(const Status& s) {
  return s.code() == StatusCode::kInvalidArgument &&
         s.message().find(" is out of range for the model's normalisation") != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  const std::vector<uint8_t> bytes = fuzzing::WithValidCrc(input, size);
  const uint8_t* data = bytes.data();
  Result<Model> model = ReadModel(data, size);
  if (!model.ok()) return 0;
  const uint32_t horizon = std::min(model->horizon, kMaxFuzzHorizon);
  const size_t t = model->window;
  const bool full = WorkPerRow(*model, horizon) <= kFullWorkBudget;

  for (bool simd : {true, false}) {
    Result<Forecaster> f = Forecaster::Create(*model, KernelOptions{simd});
    if (!f.ok()) {
      FUZZ_CHECK(f.status().code() == StatusCode::kUnsupported, f.status().message());
      continue;
    }

    std::vector<float> zeros(t, 0.f), out(kBatchRows * horizon);
    const DayNumber day = DaysFromCivil(2017, 1, 1);
    Status s = f->Forecast(zeros.data(), t, day, horizon, out.data());
    FUZZ_CHECK(s.ok() || OutOfNormalisationRange(s), "zero window: " + s.message());
    if (!full) break;

    // Small non-negative sales from the input's bytes, dates anywhere in 1900..2199.
    std::vector<float> sales(kBatchRows * t);
    for (size_t i = 0; i < sales.size(); ++i) sales[i] = static_cast<float>(data[i % size]);
    std::vector<DayNumber> days(kBatchRows);
    for (size_t i = 0; i < kBatchRows; ++i)
      days[i] = kFirstDay + static_cast<DayNumber>(U32At(data, size, i) % static_cast<uint32_t>(kLastDay - kFirstDay + 1));
    s = f->ForecastBatch(kBatchRows, sales.data(), days.data(), horizon, out.data());
    FUZZ_CHECK(s.ok() || OutOfNormalisationRange(s), "byte sales: " + s.message());

    // The input's raw float bits as sales and raw int32 bits as dates: any float at all.
    const size_t rows = 2;
    std::vector<float> raw(rows * t);
    for (size_t i = 0; i < raw.size(); ++i) {
      const uint32_t bits = U32At(data, size, i + 7);
      std::memcpy(&raw[i], &bits, 4);
    }
    std::vector<DayNumber> raw_days(rows);
    for (size_t i = 0; i < rows; ++i) raw_days[i] = static_cast<DayNumber>(U32At(data, size, i + 3));
    s = f->ForecastBatch(rows, raw.data(), raw_days.data(), horizon, out.data());
    if (!s.ok()) {
      FUZZ_CHECK(s.code() == StatusCode::kInvalidArgument, s.message());
      FUZZ_CHECK(StartsWith(s.message(), "series "), s.message());
    }
  }
  return 0;
}
