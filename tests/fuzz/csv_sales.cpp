// Fuzz target csv_sales: any bytes -> the sales CSV reader, both formats (date,store,
// item,sales and date,series,value: the header picks one), strict and lenient.
//
// Properties beyond "no crash, no undefined behaviour, no leak":
//   - a refusal carries a message and is never kInternal;
//   - the streaming parser gives the same result for the input split at two places taken
//     from the input, as for the whole text at once;
//   - what is accepted is consistent: rows + skipped rows = the data lines, every series
//     is non-empty with finite non-negative values and dates in 1900..2199, a strict
//     parse that succeeds skips nothing and equals the lenient parse.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/date.h"
#include "data/csv.h"
#include "fuzz_check.h"

using namespace shelfcast;

namespace {

std::string Describe(const Result<SalesData>& r) {
  if (!r.ok()) return "error: " + r.status().message();
  const SalesData& d = *r;
  std::string s = "rows " + std::to_string(d.rows) + " skipped " + std::to_string(d.skipped_rows) + " series";
  for (const Series& series : d.series) {
    s += " [" + series.key + " " + std::to_string(series.first_day) + " " + std::to_string(series.values.size());
    for (float v : series.values) s += " " + std::to_string(v);
    s += "]";
  }
  for (const std::string& m : d.skipped_messages) s += " | " + m;
  return s;
}

void CheckResult(const Result<SalesData>& r, bool lenient) {
  if (!r.ok()) {
    FUZZ_CHECK(!r.status().message().empty(), "an error without a message");
    FUZZ_CHECK(r.status().code() != StatusCode::kInternal, r.status().message());
    return;
  }
  const SalesData& d = *r;
  if (!lenient) FUZZ_CHECK(d.skipped_rows == 0 && d.skipped_messages.empty(), "strict mode skipped rows");
  size_t values = 0;
  const DayNumber first = DaysFromCivil(1900, 1, 1), last = DaysFromCivil(2199, 12, 31);
  for (const Series& s : d.series) {
    FUZZ_CHECK(!s.values.empty(), "empty series " + s.key);
    FUZZ_CHECK(s.first_day >= first && s.last_day() <= last, "dates outside 1900..2199 in " + s.key);
    for (float v : s.values) FUZZ_CHECK(std::isfinite(v) && v >= 0.f, "bad value in " + s.key);
    values += s.values.size();
  }
  FUZZ_CHECK(values == d.rows, "series hold " + std::to_string(values) + " values, rows says " + std::to_string(d.rows));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool lenient : {false, true}) {
    CsvOptions options;
    options.lenient = lenient;
    const Result<SalesData> whole = ParseSalesCsv(text, options);
    CheckResult(whole, lenient);

    // The same bytes fed in three chunks, split where the first bytes say.
    const size_t a = size ? data[0] % (size + 1) : 0;
    const size_t b = size > 1 ? a + data[1] % (size - a + 1) : a;
    SalesCsvParser parser(options);
    Status fed = parser.Feed(text.substr(0, a));
    if (fed.ok()) fed = parser.Feed(text.substr(a, b - a));
    if (fed.ok()) fed = parser.Feed(text.substr(b));
    const Result<SalesData> chunked = fed.ok() ? parser.Finish() : Result<SalesData>(fed);
    FUZZ_CHECK(Describe(chunked) == Describe(whole),
               "split at " + std::to_string(a) + "," + std::to_string(b) + ": " + Describe(chunked) + " vs " +
                   Describe(whole));
  }
  const Result<SalesData> strict = ParseSalesCsv(text);
  if (strict.ok()) {
    CsvOptions lenient;
    lenient.lenient = true;
    FUZZ_CHECK(Describe(ParseSalesCsv(text, lenient)) == Describe(strict), "lenient differs on a clean file");
  }
  return 0;
}
