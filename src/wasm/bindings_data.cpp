// Embind bindings of the data and evaluation runtime (CSV reader, protocol split,
// baselines, metrics) for web/shelfcast.js, so the page computes every number with the
// same C++ as the CLI. Same conventions as bindings.cpp: bulk data crosses as heap
// pointers, errors come back as strings ("" = success) and the JS wrapper throws.
//
// Sales data crosses from JS as a pack: meta = int32 [first_day, length, store, item]
// per series, values = the series' values back to back (float32), keys = JS strings.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "data/csv.h"
#include "data/windows.h"
#include "eval/baselines.h"
#include "eval/evaluate.h"
#include "eval/metrics.h"
#include "eval/protocol.h"

namespace shelfcast {
namespace {

using emscripten::val;

// Day numbers from JS are checked against this range before any date arithmetic
// (1900..2199 is -25567..84000; the margin leaves room for windows and horizons).
constexpr int32_t kMaxAbsDay = 1000000;

template <typename T>
val CopyToJs(const char* type, const std::vector<T>& v) {
  return val::global(type).new_(emscripten::typed_memory_view(v.size(), v.data()));
}

val MetricsToJs(const Metrics& m) {
  val o = val::object();
  o.set("mape", m.mape);
  o.set("smape", m.smape);
  o.set("wape", m.wape);
  o.set("mae", m.mae);
  o.set("rmse", m.rmse);
  o.set("count", static_cast<double>(m.count));
  o.set("mapeCount", static_cast<double>(m.mape_count));
  return o;
}

// The streaming CSV parser: JS feeds the text in chunks, then takes the result.
class CsvParserHandle {
 public:
  CsvParserHandle(bool lenient, uint32_t max_messages, double max_bytes)
      : parser_(MakeOptions(lenient, max_messages, max_bytes)) {}

  std::string feed(uintptr_t bytes, size_t size) {
    const Status s = parser_.Feed(std::string_view(reinterpret_cast<const char*>(bytes), size));
    return s.ok() ? std::string() : s.message();
  }

  // {error} or {format, rows, skipped, skippedMessages, series: [{key, store, item, firstDay, values}]}
  val finish() {
    Result<SalesData> r = parser_.Finish();
    val o = val::object();
    if (!r.ok()) {
      o.set("error", r.status().message());
      return o;
    }
    const SalesData& d = *r;
    o.set("format", std::string(d.format == SalesFormat::kStoreItem ? "store-item" : "generic"));
    o.set("rows", static_cast<double>(d.rows));
    o.set("skipped", static_cast<double>(d.skipped_rows));
    val messages = val::array();
    for (const std::string& m : d.skipped_messages) messages.call<void>("push", m);
    o.set("skippedMessages", messages);
    val series = val::array();
    for (const Series& s : d.series) {
      val js = val::object();
      js.set("key", s.key);
      js.set("store", s.store);
      js.set("item", s.item);
      js.set("firstDay", s.first_day);
      js.set("values", CopyToJs("Float32Array", s.values));
      series.call<void>("push", js);
    }
    o.set("series", series);
    return o;
  }

 private:
  static CsvOptions MakeOptions(bool lenient, uint32_t max_messages, double max_bytes) {
    CsvOptions o;
    o.lenient = lenient;
    o.max_messages = max_messages;
    // The page may lower the byte cap; a value above it is refused by the parser.
    if (max_bytes > 0 && max_bytes < 9.0e15) o.max_bytes = static_cast<size_t>(max_bytes);
    return o;
  }
  SalesCsvParser parser_;
};

// Rebuilds SalesData from a pack; "" on success.
std::string Unpack(int format, uintptr_t meta_ptr, size_t count, uintptr_t values_ptr, size_t total, const val& keys,
                   SalesData* out) {
  if (count > limits::kMaxSeries) return "more than " + std::to_string(limits::kMaxSeries) + " series";
  if (keys["length"].as<size_t>() != count) return "the pack has " + std::to_string(count) + " series but not as many keys";
  const int32_t* meta = reinterpret_cast<const int32_t*>(meta_ptr);
  const float* values = reinterpret_cast<const float*>(values_ptr);
  out->format = format == 0 ? SalesFormat::kStoreItem : SalesFormat::kGeneric;
  out->series.resize(count);
  size_t at = 0;
  for (size_t i = 0; i < count; ++i) {
    Series& s = out->series[i];
    const int32_t first = meta[4 * i], length = meta[4 * i + 1];
    if (first < -kMaxAbsDay || first > kMaxAbsDay || length < 1 || length > 2 * kMaxAbsDay ||
        static_cast<size_t>(length) > total - at)
      return "series " + std::to_string(i) + ": bad first day or length";
    s.first_day = first;
    s.store = meta[4 * i + 2];
    s.item = meta[4 * i + 3];
    s.key = keys[i].as<std::string>();
    s.values.assign(values + at, values + at + length);
    at += static_cast<size_t>(length);
  }
  if (at != total) return "the series hold " + std::to_string(at) + " values, the pack " + std::to_string(total);
  return std::string();
}

std::vector<int32_t> IntArray(const val& array) {
  std::vector<int32_t> v;
  const size_t n = array["length"].as<size_t>();
  for (size_t i = 0; i < n; ++i) v.push_back(array[i].as<int32_t>());
  return v;
}

// {error} or {series, window, horizon, train: {count}, validation: {count},
//  test: {count, inputs, targets, targetDays, series}}
val ProtocolSplitJs(int format, uintptr_t meta, size_t count, uintptr_t values, size_t total, val keys, val stores,
                    val items, uint32_t window, uint32_t horizon, int32_t test_first, int32_t test_last,
                    uint32_t validation_days) {
  val o = val::object();
  SalesData data;
  std::string error = Unpack(format, meta, count, values, total, keys, &data);
  if (error.empty() && (window > limits::kMaxWindow || horizon > limits::kMaxHorizon || validation_days > 100000 ||
                        test_first < -kMaxAbsDay || test_first > kMaxAbsDay || test_last < -kMaxAbsDay ||
                        test_last > kMaxAbsDay))
    error = "window, horizon, validation days or test dates out of range";
  if (!error.empty()) {
    o.set("error", error);
    return o;
  }
  ProtocolOptions p;
  p.stores = IntArray(stores);
  p.items = IntArray(items);
  p.window = window;
  p.horizon = horizon;
  p.test_first = test_first;
  p.test_last = test_last;
  p.validation_days = validation_days;
  Result<ProtocolSplit> split = MakeProtocolSplit(data, p);
  if (!split.ok()) {
    o.set("error", split.status().message());
    return o;
  }
  std::vector<uint32_t> selected = split->series;
  o.set("series", CopyToJs("Uint32Array", selected));
  o.set("window", window);
  o.set("horizon", horizon);
  val train = val::object(), validation = val::object(), test = val::object();
  train.set("count", static_cast<double>(split->train.size()));
  validation.set("count", static_cast<double>(split->validation.size()));
  const WindowSet& t = split->test;
  test.set("count", static_cast<double>(t.size()));
  test.set("window", window);
  test.set("horizon", horizon);
  test.set("inputs", CopyToJs("Float32Array", t.inputs));
  test.set("targets", CopyToJs("Float32Array", t.targets));
  test.set("targetDays", CopyToJs("Int32Array", t.target_days));
  test.set("series", CopyToJs("Uint32Array", t.series));
  o.set("train", train);
  o.set("validation", validation);
  o.set("test", test);
  return o;
}

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

// forecasts (n * horizon floats) written to out; "" on success.
std::string BaselineJs(std::string name, int format, uintptr_t meta, size_t count, uintptr_t values, size_t total,
                       val keys, size_t n, uint32_t horizon, uintptr_t targets, uintptr_t days, uintptr_t series,
                       uintptr_t out) {
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

// {id, label, oracle} or {error}: what tables call a baseline.
val DescribeBaselineJs(std::string name) {
  val o = val::object();
  Result<Baseline> b = ParseBaseline(name);
  if (!b.ok()) {
    o.set("error", b.status().message());
    return o;
  }
  o.set("id", BaselineId(*b));
  o.set("label", BaselineLabel(*b));
  o.set("oracle", b->kind == BaselineKind::kTrueMean);
  return o;
}

val MetricsJs(uintptr_t actual, uintptr_t forecast, size_t n) {
  return MetricsToJs(ComputeMetrics(reinterpret_cast<const float*>(actual), reinterpret_cast<const float*>(forecast), n));
}

// {error} or {pooled, perSeries: [{series, ...metrics}]} (perSeries in series-index order)
val ScoreJs(size_t n, uint32_t horizon, uintptr_t targets, uintptr_t days, uintptr_t series, uintptr_t forecasts) {
  val o = val::object();
  WindowSet set;
  const std::string error = UnpackTargets(n, horizon, targets, days, series, &set);
  if (!error.empty()) {
    o.set("error", error);
    return o;
  }
  const float* f = reinterpret_cast<const float*>(forecasts);
  const Evaluation e = ScoreForecasts(set, std::vector<float>(f, f + n * horizon));
  o.set("pooled", MetricsToJs(e.pooled));
  val per = val::array();
  for (const auto& [index, m] : e.per_series) {
    val js = MetricsToJs(m);
    js.set("series", index);
    per.call<void>("push", js);
  }
  o.set("perSeries", per);
  return o;
}

}  // namespace
}  // namespace shelfcast

EMSCRIPTEN_BINDINGS(shelfcast_data) {
  using namespace emscripten;
  using shelfcast::CsvParserHandle;
  class_<CsvParserHandle>("CsvParserHandle")
      .constructor<bool, uint32_t, double>()
      .function("feed", &CsvParserHandle::feed)
      .function("finish", &CsvParserHandle::finish);
  function("protocolSplit", &shelfcast::ProtocolSplitJs);
  function("baseline", &shelfcast::BaselineJs);
  function("describeBaseline", &shelfcast::DescribeBaselineJs);
  function("metrics", &shelfcast::MetricsJs);
  function("score", &shelfcast::ScoreJs);
}
