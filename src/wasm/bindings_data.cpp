// Embind bindings of the data and evaluation runtime (protocol split, baselines, metrics)
// for web/shelfcast.js, so the page computes every number with the same C++ as the CLI.
// Linked into shelfcast-engine-data only (loadEngine({ data: true })); the CSV reader,
// which kiosks use too, is in bindings_csv.cpp. Same conventions as bindings.cpp: bulk
// data crosses as heap pointers, errors come back as strings ("" = success) and the JS
// wrapper throws. Only numbers and strings cross (no emscripten::val): every val call
// site costs wasm bytes.
//
// Sales data crosses from JS as a pack: meta = int32 [first_day, length, store, item]
// per series, values = the series' values back to back (float32), keys = the series
// keys joined by '\n'. Results go back as layouts: uint32 words (counts and heap
// addresses, wasm32) that the JS side reads and copies before freeing the handle.
#include <emscripten/bind.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/limits.h"
#include "data/series.h"
#include "data/windows.h"
#include "eval/baselines.h"
#include "eval/evaluate.h"
#include "eval/metrics.h"
#include "eval/protocol.h"

namespace shelfcast {
namespace {

// Day numbers from JS are checked against this range before any date arithmetic
// (1900..2199 is -25567..84000; the margin leaves room for windows and horizons).
constexpr int32_t kMaxAbsDay = 1000000;

uint32_t Address(const void* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)); }

// 7 doubles: mape, smape, wape, mae, rmse, count, mape_count.
void WriteMetrics(const Metrics& m, double* out) {
  const double v[7] = {m.mape, m.smape, m.wape, m.mae, m.rmse, static_cast<double>(m.count),
                       static_cast<double>(m.mape_count)};
  std::memcpy(out, v, sizeof v);
}

// Rebuilds SalesData from a pack; "" on success.
std::string Unpack(int format, uintptr_t meta_ptr, size_t count, uintptr_t values_ptr, size_t total,
                   const std::string& keys, SalesData* out) {
  if (count > limits::kMaxSeries) return "more than " + std::to_string(limits::kMaxSeries) + " series";
  const int32_t* meta = reinterpret_cast<const int32_t*>(meta_ptr);
  const float* values = reinterpret_cast<const float*>(values_ptr);
  out->format = format == 0 ? SalesFormat::kStoreItem : SalesFormat::kGeneric;
  out->series.resize(count);
  size_t at = 0, key_at = 0;
  for (size_t i = 0; i < count; ++i) {
    Series& s = out->series[i];
    const int32_t first = meta[4 * i], length = meta[4 * i + 1];
    if (first < -kMaxAbsDay || first > kMaxAbsDay || length < 1 || static_cast<size_t>(length) > total - at)
      return "series " + std::to_string(i) + ": bad first day or length";
    s.first_day = first;
    s.store = meta[4 * i + 2];
    s.item = meta[4 * i + 3];
    const size_t end = std::min(keys.find('\n', key_at), keys.size());
    s.key = keys.substr(key_at, end - key_at);
    key_at = end + 1;
    s.values.assign(values + at, values + at + length);
    at += static_cast<size_t>(length);
  }
  if (at != total) return "the series hold " + std::to_string(at) + " values, the pack " + std::to_string(total);
  return std::string();
}

// The protocol split; after run(), the selection and the test windows for JS to copy.
class SplitHandle {
 public:
  std::string run(int format, uintptr_t meta, size_t count, uintptr_t values, size_t total, std::string keys,
                  uintptr_t stores, size_t n_stores, uintptr_t items, size_t n_items, uint32_t window,
                  uint32_t horizon, int32_t test_first, int32_t test_last, uint32_t validation_days) {
    SalesData data;
    std::string error = Unpack(format, meta, count, values, total, keys, &data);
    if (!error.empty()) return error;
    if (window > limits::kMaxWindow || horizon > limits::kMaxHorizon || validation_days > 100000 ||
        n_stores > limits::kMaxSeries || n_items > limits::kMaxSeries || test_first < -kMaxAbsDay ||
        test_first > kMaxAbsDay || test_last < -kMaxAbsDay || test_last > kMaxAbsDay)
      return "window, horizon, selection, validation days or test dates out of range";
    ProtocolOptions p;
    const int32_t* s = reinterpret_cast<const int32_t*>(stores);
    const int32_t* it = reinterpret_cast<const int32_t*>(items);
    p.stores.assign(s, s + n_stores);
    p.items.assign(it, it + n_items);
    p.window = window;
    p.horizon = horizon;
    p.test_first = test_first;
    p.test_last = test_last;
    p.validation_days = validation_days;
    Result<ProtocolSplit> split = MakeProtocolSplit(data, p);
    if (!split.ok()) return split.status().message();
    split_ = std::move(split).value();
    return std::string();
  }

  // uint32 [selected, selected address, train count, validation count, test count,
  //         inputs address, targets address, target days address, series address]
  void layout(uintptr_t out) const {
    const WindowSet& t = split_.test;
    const uint32_t words[9] = {static_cast<uint32_t>(split_.series.size()), Address(split_.series.data()),
                               static_cast<uint32_t>(split_.train.size()), static_cast<uint32_t>(split_.validation.size()),
                               static_cast<uint32_t>(t.size()), Address(t.inputs.data()), Address(t.targets.data()),
                               Address(t.target_days.data()), Address(t.series.data())};
    std::memcpy(reinterpret_cast<void*>(out), words, sizeof words);
  }

 private:
  ProtocolSplit split_;
};

// A WindowSet without inputs (baselines and scoring read only targets, days, series).
std::string UnpackTargets(size_t n, uint32_t horizon, uintptr_t targets, uintptr_t days, uintptr_t series,
                          WindowSet* set) {
  if (horizon < 1 || horizon > limits::kMaxHorizon) return "horizon out of range";
  if (n > (size_t{1} << 28) / horizon) return "too many examples";
  set->horizon = horizon;
  const float* t = reinterpret_cast<const float*>(targets);
  const int32_t* d = reinterpret_cast<const int32_t*>(days);
  const uint32_t* s = reinterpret_cast<const uint32_t*>(series);
  set->targets.assign(t, t + n * horizon);
  set->target_days.assign(d, d + n);
  set->series.assign(s, s + n);
  for (DayNumber day : set->target_days)
    if (day < -kMaxAbsDay || day > kMaxAbsDay) return "target day " + std::to_string(day) + " out of range";
  return std::string();
}

// Forecasts (n * horizon floats) written to out; "" on success.
std::string BaselineJs(std::string name, int format, uintptr_t meta, size_t count, uintptr_t values, size_t total,
                       std::string keys, size_t n, uint32_t horizon, uintptr_t targets, uintptr_t days,
                       uintptr_t series, uintptr_t out) {
  Result<Baseline> b = ParseBaseline(name);
  if (!b.ok()) return b.status().message();
  SalesData data;
  std::string error = Unpack(format, meta, count, values, total, keys, &data);
  WindowSet set;
  if (error.empty()) error = UnpackTargets(n, horizon, targets, days, series, &set);
  if (!error.empty()) return error;
  Result<std::vector<float>> f = BaselineForecasts(data, set, *b);
  if (!f.ok()) return f.status().message();
  std::copy(f->begin(), f->end(), reinterpret_cast<float*>(out));
  return std::string();
}

// "<id>\t<label>\t<1 if oracle else 0>", or "\t" + the error message.
std::string DescribeBaselineJs(std::string name) {
  Result<Baseline> b = ParseBaseline(name);
  if (!b.ok()) return "\t" + b.status().message();
  return BaselineId(*b) + "\t" + BaselineLabel(*b) + (b->kind == BaselineKind::kTrueMean ? "\t1" : "\t0");
}

void MetricsJs(uintptr_t actual, uintptr_t forecast, size_t n, uintptr_t out) {
  WriteMetrics(ComputeMetrics(reinterpret_cast<const float*>(actual), reinterpret_cast<const float*>(forecast), n),
               reinterpret_cast<double*>(out));
}

// out: 7 doubles pooled, then [series index, 7 metrics] per series in index order, at
// most `max_series` of them (JS passes the number of distinct series).
std::string ScoreJs(size_t n, uint32_t horizon, uintptr_t targets, uintptr_t days, uintptr_t series,
                    uintptr_t forecasts, size_t max_series, uintptr_t out) {
  WindowSet set;
  const std::string error = UnpackTargets(n, horizon, targets, days, series, &set);
  if (!error.empty()) return error;
  const float* f = reinterpret_cast<const float*>(forecasts);
  const Evaluation e = ScoreForecasts(set, std::vector<float>(f, f + n * horizon));
  if (e.per_series.size() > max_series) return "more series than the JS side counted";
  double* o = reinterpret_cast<double*>(out);
  WriteMetrics(e.pooled, o);
  o += 7;
  for (const auto& [index, m] : e.per_series) {
    *o++ = index;
    WriteMetrics(m, o);
    o += 7;
  }
  return std::string();
}

}  // namespace
}  // namespace shelfcast

EMSCRIPTEN_BINDINGS(shelfcast_data) {
  using namespace emscripten;
  using shelfcast::SplitHandle;
  class_<SplitHandle>("SplitHandle")
      .constructor<>()
      .function("run", &SplitHandle::run)
      .function("layout", &SplitHandle::layout);
  function("baseline", &shelfcast::BaselineJs);
  function("describeBaseline", &shelfcast::DescribeBaselineJs);
  function("metrics", &shelfcast::MetricsJs);
  function("score", &shelfcast::ScoreJs);
}
