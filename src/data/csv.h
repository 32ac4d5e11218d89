// Sales CSV reader: the real Kaggle file's format and a generic long format, strict by
// default, streaming, exception-free (it runs natively and, through wasm, in the page).
//
//   Result<SalesData> data = ReadSalesCsvFile("train.csv");          // native toolchain
//   Result<SalesData> data = ParseSalesCsv(text, {});                 // runtime, any text
//   if (!data.ok()) { report(data.status().message()); return; }
//   // "line 17, column "sales": "1.5" is not a non-negative integer"
//
// Formats (told apart by the header, which must be line 1, exactly as written here):
//
//   date,store,item,sales       store-item: the real file. store and item are integers
//                               1..2147483647, sales a non-negative integer <= 2^24 (the
//                               largest count a float holds exactly). Series are keyed
//                               "store S item I" and returned sorted by (store, item).
//   date,series,value           generic long: series is any non-empty text without a
//                               comma or a double quote; value a non-negative decimal
//                               ("12", "0.5", "3.25"; no sign, no exponent, at most 15
//                               digits, 15 after the point, so text -> double is exact
//                               and the float is the same on every platform). Series
//                               are returned in order of first appearance.
//
// Dates are YYYY-MM-DD (1900..2199). Each series must have one row per day from its first
// to its last date, in increasing order; rows of different series may interleave (any
// sort order of the file works as long as each series' dates increase).
//
// Accepted: a UTF-8 BOM, CRLF or LF line endings, a last line without a line break,
// blank lines at the end. Not accepted: quoted fields, blank lines between rows,
// whitespace around fields.
//
// Strict mode (the default) stops at the first bad line with kInvalidData and a message
// naming the line (1-based, the header is line 1), the column and the offending text.
// Lenient mode skips bad lines instead and reports how many (SalesData::skipped_rows)
// and the first few messages; it never invents data: a gap in a series (e.g. left by a
// skipped row) restarts the series at the row after the gap, dropping its earlier rows
// (counted as skipped), so every series is the latest run of consecutive days.
//
// Caps (kLimitExceeded, fatal in both modes; the message names the cap):
//   limits::kMaxCsvLineBytes  bytes in one line, not counting its line break. A longer
//                             line is never buffered: it is reported (or, lenient,
//                             skipped) as soon as the cap is passed.
//   limits::kMaxCsvBytes      bytes in the whole input        (CsvOptions::max_bytes)
//   limits::kMaxCsvRows       data lines after the header     (CsvOptions::max_rows)
//   limits::kMaxSeries        distinct series                 (CsvOptions::max_series)
// CsvOptions may lower the last three (a kiosk page might), never raise them.
//
// Memory: the parser holds at most one line (kMaxCsvLineBytes + 1 bytes) of input at a
// time plus the parsed values (4 bytes per row), whatever the chunking of its input.
//
// Fuzzing: ParseSalesCsv(std::string_view(data, size), options) is the entry point; it
// accepts any bytes. SalesCsvParser::Feed accepts any split of the same bytes and gives
// the same result (a fuzz target may check that too).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/limits.h"
#include "core/status.h"
#include "data/series.h"

namespace shelfcast {

struct CsvOptions {
  // false (default): the first bad line is an error. true: bad lines are skipped and
  // counted; the first `max_messages` messages are kept in SalesData::skipped_messages.
  bool lenient = false;
  size_t max_messages = 10;
  // Lower caps than the built-in limits (see above); values above them are refused.
  size_t max_bytes = limits::kMaxCsvBytes;
  size_t max_rows = limits::kMaxCsvRows;
  size_t max_series = limits::kMaxSeries;
};

// The streaming core behind both entry points: Feed the input in chunks of any size,
// split anywhere (mid-line, mid-BOM), then Finish once. After an error, Feed and Finish
// return that same error.
class SalesCsvParser {
 public:
  explicit SalesCsvParser(const CsvOptions& options = {});
  SalesCsvParser(SalesCsvParser&&) noexcept;
  SalesCsvParser& operator=(SalesCsvParser&&) noexcept;
  ~SalesCsvParser();

  // Refuses an input whose total size is known to be over the byte cap before any of
  // it is read (the same error Feed would give once it got there). Optional.
  Status CheckSize(uint64_t total_bytes);
  Status Feed(std::string_view chunk);
  // The end of the input: parses a last line without a line break, checks that there
  // were a header and data rows, orders the series.
  Result<SalesData> Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The whole text at once (one Feed + Finish).
Result<SalesData> ParseSalesCsv(std::string_view text, const CsvOptions& options = {});

// Native toolchain only (defined in shelfcast_tools, not in the wasm runtime): streams
// the file through SalesCsvParser in 1 MiB chunks, so the file is never in memory whole.
// Messages are prefixed with the path: "train.csv: line 17, column ...".
Result<SalesData> ReadSalesCsvFile(const std::string& path, const CsvOptions& options = {});

}  // namespace shelfcast
