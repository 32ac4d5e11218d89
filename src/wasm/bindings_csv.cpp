// Embind bindings of the CSV reader (web/shelfcast.js parseSalesCsv): in every engine, the
// kiosk one too (<shelf-forecast> reads a sales CSV). The data tools that only the demo
// page and the Node evaluation API use (protocol split, baselines, metrics) are in
// bindings_data.cpp, linked into shelfcast-engine-data only (src/wasm/CMakeLists.txt).
// Same conventions as bindings.cpp: bulk data crosses as heap pointers, errors come back
// as strings ("" = success) and the JS wrapper throws; only numbers and strings cross.
#include <emscripten/bind.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "data/csv.h"

namespace shelfcast {
namespace {

uint32_t Address(const void* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)); }

// The streaming CSV parser, and after finish() the parsed data for JS to copy out.
class CsvParserHandle {
 public:
  CsvParserHandle(bool lenient, uint32_t max_messages, double max_bytes) : parser_(Options(lenient, max_messages, max_bytes)) {}

  std::string checkSize(double total_bytes) {
    const Status s = parser_.CheckSize(total_bytes > 0 ? static_cast<uint64_t>(total_bytes) : 0);
    return s.ok() ? std::string() : s.message();
  }

  std::string feed(uintptr_t bytes, size_t size) {
    const Status s = parser_.Feed(std::string_view(reinterpret_cast<const char*>(bytes), size));
    return s.ok() ? std::string() : s.message();
  }

  std::string finish() {
    Result<SalesData> r = parser_.Finish();
    if (!r.ok()) return r.status().message();
    data_ = std::move(r).value();
    for (const Series& s : data_.series) {
      const uint32_t words[5] = {static_cast<uint32_t>(s.first_day), static_cast<uint32_t>(s.values.size()),
                                 static_cast<uint32_t>(s.store), static_cast<uint32_t>(s.item), Address(s.values.data())};
      meta_.insert(meta_.end(), words, words + 5);
    }
    return std::string();
  }

  // uint32 [format (0 store-item, 1 generic), rows, skipped, messages, series, meta address];
  // meta: [first_day, length, store, item, values address] per series.
  void layout(uintptr_t out) const {
    const uint32_t words[6] = {data_.format == SalesFormat::kStoreItem ? 0u : 1u, static_cast<uint32_t>(data_.rows),
                               static_cast<uint32_t>(data_.skipped_rows),
                               static_cast<uint32_t>(data_.skipped_messages.size()),
                               static_cast<uint32_t>(data_.series.size()), Address(meta_.data())};
    std::memcpy(reinterpret_cast<void*>(out), words, sizeof words);
  }
  std::string key(size_t i) const { return i < data_.series.size() ? data_.series[i].key : std::string(); }
  std::string message(size_t i) const {
    return i < data_.skipped_messages.size() ? data_.skipped_messages[i] : std::string();
  }

 private:
  static CsvOptions Options(bool lenient, uint32_t max_messages, double max_bytes) {
    CsvOptions o;
    o.lenient = lenient;
    o.max_messages = max_messages;
    // The page may lower the byte cap; a value above it is refused by the parser.
    if (max_bytes > 0 && max_bytes < 9.0e15) o.max_bytes = static_cast<size_t>(max_bytes);
    return o;
  }
  SalesCsvParser parser_;
  SalesData data_;
  std::vector<uint32_t> meta_;
};

}  // namespace
}  // namespace shelfcast

EMSCRIPTEN_BINDINGS(shelfcast_csv) {
  using namespace emscripten;
  using shelfcast::CsvParserHandle;
  class_<CsvParserHandle>("CsvParserHandle")
      .constructor<bool, uint32_t, double>()
      .function("checkSize", &CsvParserHandle::checkSize)
      .function("feed", &CsvParserHandle::feed)
      .function("finish", &CsvParserHandle::finish)
      .function("layout", &CsvParserHandle::layout)
      .function("key", &CsvParserHandle::key)
      .function("message", &CsvParserHandle::message);
}
