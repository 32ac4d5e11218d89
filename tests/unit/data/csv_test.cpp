// The sales CSV reader: both formats, every malformed case with its exact message, the
// accepted variations (CRLF, BOM, trailing blank lines), lenient mode, the caps, and
// chunked input giving the same result as whole input.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/limits.h"
#include "data/csv.h"
#include "data/generator.h"

namespace shelfcast {
namespace {

// Feeds `text` in chunks of `chunk` bytes (0 = whole) and finishes.
Result<SalesData> ParseChunked(std::string_view text, size_t chunk, const CsvOptions& options = {}) {
  SalesCsvParser parser(options);
  if (chunk == 0) chunk = text.size() + 1;
  for (size_t pos = 0; pos < text.size(); pos += chunk) {
    Status s = parser.Feed(text.substr(pos, chunk));
    if (!s.ok()) return s;
  }
  return parser.Finish();
}

// The error message of parsing `text`; the same for every chunking of the input.
std::string Error(std::string_view text, const CsvOptions& options = {}) {
  Result<SalesData> whole = ParseSalesCsv(text, options);
  REQUIRE_FALSE(whole.ok());
  for (size_t chunk : {1, 2, 3, 5, 64}) {
    Result<SalesData> r = ParseChunked(text, chunk, options);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == whole.status().message());
    CHECK(r.status().code() == whole.status().code());
  }
  return whole.status().message();
}

SalesData Parse(std::string_view text, const CsvOptions& options = {}) {
  Result<SalesData> r = ParseSalesCsv(text, options);
  INFO((r.ok() ? std::string() : r.status().message()));
  REQUIRE(r.ok());
  return std::move(r).value();
}

DayNumber Day(const char* iso) {
  DayNumber d = 0;
  REQUIRE(ParseIsoDate(iso, &d));
  return d;
}

const char* kSmall =
    "date,store,item,sales\n"
    "2013-01-01,1,1,13\n"
    "2013-01-02,1,1,11\n"
    "2013-01-03,1,1,14\n"
    "2013-01-01,1,2,33\n"
    "2013-01-02,1,2,0\n"
    "2013-01-03,1,2,43\n";

}  // namespace

TEST_CASE("csv: the store-item format", "[data][csv]") {
  const SalesData d = Parse(kSmall);
  CHECK(d.format == SalesFormat::kStoreItem);
  CHECK(d.rows == 6);
  CHECK(d.skipped_rows == 0);
  REQUIRE(d.series.size() == 2);
  CHECK(d.series[0].key == "store 1 item 1");
  CHECK(d.series[0].store == 1);
  CHECK(d.series[0].item == 1);
  CHECK(d.series[0].first_day == Day("2013-01-01"));
  CHECK(d.series[0].values == std::vector<float>{13, 11, 14});
  CHECK(d.series[1].key == "store 1 item 2");
  CHECK(d.series[1].values == std::vector<float>{33, 0, 43});
}

TEST_CASE("csv: store-item series are ordered by (store, item) whatever the row order", "[data][csv]") {
  // Sorted by date, then store, then item (like Kaggle's test.csv), and store 10 before 2.
  const SalesData d = Parse(
      "date,store,item,sales\n"
      "2013-01-01,10,1,5\n"
      "2013-01-01,2,3,6\n"
      "2013-01-01,2,1,7\n"
      "2013-01-02,10,1,8\n"
      "2013-01-02,2,3,9\n"
      "2013-01-02,2,1,10\n");
  REQUIRE(d.series.size() == 3);
  CHECK(d.series[0].key == "store 2 item 1");
  CHECK(d.series[0].values == std::vector<float>{7, 10});
  CHECK(d.series[1].key == "store 2 item 3");
  CHECK(d.series[2].key == "store 10 item 1");
  CHECK(d.series[2].values == std::vector<float>{5, 8});
}

TEST_CASE("csv: the generic long format, in order of first appearance, decimals", "[data][csv]") {
  const SalesData d = Parse(
      "date,series,value\n"
      "2020-02-28,north,1.5\n"
      "2020-02-28,A-7 south,12\n"
      "2020-02-29,north,0.25\n"
      "2020-02-29,A-7 south,007\n"
      "2020-03-01,north,0\n");
  CHECK(d.format == SalesFormat::kGeneric);
  REQUIRE(d.series.size() == 2);
  CHECK(d.series[0].key == "north");
  CHECK(d.series[0].store == 0);
  CHECK(d.series[0].item == 0);
  CHECK(d.series[0].first_day == Day("2020-02-28"));
  CHECK(d.series[0].values == std::vector<float>{1.5f, 0.25f, 0.f});
  CHECK(d.series[1].key == "A-7 south");
  CHECK(d.series[1].values == std::vector<float>{12.f, 7.f});
  CHECK(d.rows == 5);
}

TEST_CASE("csv: generic decimals round like the C library's correctly rounded strtof", "[data][csv]") {
  // mantissa / 10^k in double, then float: the float nearest the decimal in each case.
  const SalesData d = Parse(
      "date,series,value\n"
      "2020-01-01,s,0.1\n"
      "2020-01-02,s,123456789012345\n"
      "2020-01-03,s,0.000000000000001\n"
      "2020-01-04,s,3.14159\n"
      "2020-01-05,s,100.000000000000\n");
  CHECK(d.series[0].values == std::vector<float>{0.1f, 123456789012345.f, 1e-15f, 3.14159f, 100.f});
}

TEST_CASE("csv: CRLF, a UTF-8 BOM, trailing blank lines and a missing last line break are accepted",
          "[data][csv]") {
  const SalesData expected = Parse(kSmall);
  std::string crlf;
  for (const char* p = kSmall; *p; ++p) {
    if (*p == '\n') crlf += '\r';
    crlf += *p;
  }
  const std::string variants[] = {
      crlf,
      "\xEF\xBB\xBF" + std::string(kSmall),
      std::string(kSmall) + "\n\n\r\n",
      std::string(kSmall).substr(0, std::string(kSmall).size() - 1),  // no final '\n'
      "\xEF\xBB\xBF" + crlf + "\r\n",
  };
  for (const std::string& text : variants) {
    for (size_t chunk : {0, 1, 2, 7}) {
      Result<SalesData> r = ParseChunked(text, chunk);
      REQUIRE(r.ok());
      REQUIRE(r->series.size() == 2);
      CHECK(r->series[0].values == expected.series[0].values);
      CHECK(r->series[1].values == expected.series[1].values);
      CHECK(r->rows == 6);
    }
  }
}

TEST_CASE("csv: empty file, header only, bad header", "[data][csv]") {
  const std::string kEmpty = "empty file: expected the header \"date,store,item,sales\" or \"date,series,value\"";
  CHECK(Error("") == kEmpty);
  CHECK(Error("\xEF\xBB\xBF") == kEmpty);
  CHECK(Error("\n\r\n\n") == kEmpty);
  CHECK(Error("date,store,item,sales\n") == "no data rows after the header");
  CHECK(Error("date,store,item,sales") == "no data rows after the header");
  CHECK(Error("date,series,value\r\n\r\n") == "no data rows after the header");
  CHECK(Error("Date,Store,Item,Sales\n2013-01-01,1,1,13\n") ==
        "line 1: expected the header \"date,store,item,sales\" or \"date,series,value\", got "
        "\"Date,Store,Item,Sales\"");
  CHECK(Error("date,store,item\n") ==
        "line 1: expected the header \"date,store,item,sales\" or \"date,series,value\", got \"date,store,item\"");
  CHECK(Error("\ndate,store,item,sales\n2013-01-01,1,1,13\n") ==
        "line 1: expected the header \"date,store,item,sales\" or \"date,series,value\", got \"\"");
  CHECK(Error("2013-01-01,1,1,13\n") ==
        "line 1: expected the header \"date,store,item,sales\" or \"date,series,value\", got \"2013-01-01,1,1,13\"");
}

TEST_CASE("csv: every malformed row, with line, column and offending text", "[data][csv]") {
  const std::string h = "date,store,item,sales\n2013-01-01,1,1,13\n";  // line 3 is the row under test
  CHECK(Error(h + "2013-01-02,1,1\n") == "line 3: 3 fields, expected 4 (date,store,item,sales): \"2013-01-02,1,1\"");
  CHECK(Error(h + "2013-01-02,1,1,5,\n") ==
        "line 3: 5 fields, expected 4 (date,store,item,sales): \"2013-01-02,1,1,5,\"");
  CHECK(Error(h + "x\n") == "line 3: 1 field, expected 4 (date,store,item,sales): \"x\"");
  CHECK(Error(h + "2013-02-30,1,1,5\n") == "line 3, column \"date\": \"2013-02-30\" is not a YYYY-MM-DD date");
  CHECK(Error(h + "02/01/2013,1,1,5\n") == "line 3, column \"date\": \"02/01/2013\" is not a YYYY-MM-DD date");
  CHECK(Error(h + "2013-01-02,0,1,5\n") ==
        "line 3, column \"store\": \"0\" is not a positive integer (1..2147483647)");
  CHECK(Error(h + "2013-01-02,1, 1,5\n") ==
        "line 3, column \"item\": \" 1\" is not a positive integer (1..2147483647)");
  CHECK(Error(h + "2013-01-02,1,2147483648,5\n") ==
        "line 3, column \"item\": \"2147483648\" is not a positive integer (1..2147483647)");
  CHECK(Error(h + "2013-01-02,1,1,1.5\n") == "line 3, column \"sales\": \"1.5\" is not a non-negative integer");
  CHECK(Error(h + "2013-01-02,1,1,-3\n") == "line 3, column \"sales\": \"-3\" is not a non-negative integer");
  CHECK(Error(h + "2013-01-02,1,1,\n") == "line 3, column \"sales\": \"\" is not a non-negative integer");
  CHECK(Error(h + "2013-01-02,1,1,16777217\n") ==
        "line 3, column \"sales\": \"16777217\" is above 16777216 (2^24, the largest count a float holds exactly)");
  CHECK(Error(h + "2013-01-01,1,1,5\n") ==
        "line 3, column \"date\": \"2013-01-01\" is a duplicate: store 1 item 1 already has this date");
  CHECK(Error(h + "2013-01-02,1,1,5\n2013-01-01,1,1,5\n") ==
        "line 4, column \"date\": \"2013-01-01\" is a duplicate: store 1 item 1 already has this date");
  CHECK(Error(h + "2012-12-30,1,1,5\n") ==
        "line 3, column \"date\": \"2012-12-30\" is out of order: store 1 item 1 has reached 2013-01-01 (the dates "
        "of a series must increase)");
  CHECK(Error(h + "2013-01-04,1,1,5\n") ==
        "line 3, column \"date\": \"2013-01-04\" leaves a gap in store 1 item 1: 2 days missing after 2013-01-01");
  CHECK(Error(h + "2013-01-03,1,1,5\n") ==
        "line 3, column \"date\": \"2013-01-03\" leaves a gap in store 1 item 1: 1 day missing after 2013-01-01");
  CHECK(Error(h + "\n2013-01-02,1,1,5\n") ==
        "line 3: blank line (blank lines are accepted only at the end of the file)");
  CHECK(Error(h + "\"2013-01-02\",1,1,5\n") ==
        "line 3, column \"date\": \"\\\"2013-01-02\\\"\" is not a YYYY-MM-DD date");
  CHECK(Error(h + "2013-01-02,1,1,5\t\n") == "line 3, column \"sales\": \"5\\x09\" is not a non-negative integer");
}

TEST_CASE("csv: malformed generic rows", "[data][csv]") {
  const std::string h = "date,series,value\n2020-01-01,a,1\n";
  CHECK(Error(h + "2020-01-02,a\n") == "line 3: 2 fields, expected 3 (date,series,value): \"2020-01-02,a\"");
  CHECK(Error(h + "2020-01-02,,1\n") ==
        "line 3, column \"series\": \"\" is empty (every row needs a series id)");
  CHECK(Error(h + "2020-01-02,\"a\",1\n") ==
        "line 3, column \"series\": \"\\\"a\\\"\" contains a double quote (quoted fields are not supported)");
  for (const char* bad : {"-1", "1e3", ".5", "5.", "1.2.3", "nan", "+2", ""}) {
    CHECK(Error(h + "2020-01-02,a," + bad + "\n") ==
          std::string("line 3, column \"value\": \"") + bad +
              "\" is not a non-negative decimal number (digits, optionally '.' and digits)");
  }
  CHECK(Error(h + "2020-01-02,a,1234567890123456\n") ==
        "line 3, column \"value\": \"1234567890123456\" has more than 15 significant digits or 15 digits after "
        "the point");
  CHECK(Error(h + "2020-01-02,a,0.0000000000000001\n") ==
        "line 3, column \"value\": \"0.0000000000000001\" has more than 15 significant digits or 15 digits after "
        "the point");
  CHECK(Error(h + "2020-01-03,a,1\n") ==
        "line 3, column \"date\": \"2020-01-03\" leaves a gap in series \"a\": 1 day missing after 2020-01-01");
  CHECK(Error(h + "2020-01-01,a,1\n") ==
        "line 3, column \"date\": \"2020-01-01\" is a duplicate: series \"a\" already has this date");
}

TEST_CASE("csv: a 10^6-character line is an error naming the cap, never buffered whole", "[data][csv]") {
  const std::string h = "date,store,item,sales\n2013-01-01,1,1,13\n";
  const std::string huge = "2013-01-02,1,1," + std::string(1000000, '7');
  const std::string message = "line 3: longer than 4096 bytes (limits::kMaxCsvLineBytes): \"2013-01-02,1,1,"
                              "7777777777777777777777777\"...";
  CHECK(Error(h + huge + "\n") == message);
  CHECK(Error(h + huge) == message);
  // The header line too; and exactly at the cap (with or without a CR) is fine.
  CHECK(Error(std::string(5000, 'd') + "\n") ==
        "line 1: longer than 4096 bytes (limits::kMaxCsvLineBytes): \"" + std::string(40, 'd') + "\"...");
  const std::string at_cap = "2013-01-02,1,1," + std::string(limits::kMaxCsvLineBytes - 15, '0') + "7";
  REQUIRE(at_cap.size() == limits::kMaxCsvLineBytes + 1);
  const std::string fits = at_cap.substr(0, limits::kMaxCsvLineBytes);
  for (const std::string& eol : {std::string("\n"), std::string("\r\n")}) {
    const SalesData d = Parse(h + fits + eol);
    CHECK(d.series[0].values == std::vector<float>{13, 0});
    CHECK(Error(h + at_cap + eol).rfind("line 3: longer than 4096 bytes (limits::kMaxCsvLineBytes)", 0) == 0);
  }
}

TEST_CASE("csv: long offending text is cut at 40 bytes, never inside a UTF-8 character", "[data][csv]") {
  const std::string h = "date,series,value\n";
  // 39 ASCII bytes then 'ö' (2 bytes): the cut falls inside it, so it backs off to 39.
  const std::string id = std::string(39, 's') + "\xC3\xB6" + "tail";
  CHECK(Error(h + "2020-01-01," + id + ",x\n") ==
        "line 2, column \"value\": \"x\" is not a non-negative decimal number (digits, optionally '.' and digits)");
  CHECK(Error(h + "2020-13-01," + id + ",1\n") == "line 2, column \"date\": \"2020-13-01\" is not a YYYY-MM-DD date");
  CHECK(Error(h + "2020-01-01,a,1\n2020-01-01," + id + ",1\n2020-01-03," + id + ",2\n") ==
        "line 4, column \"date\": \"2020-01-03\" leaves a gap in series \"" + std::string(39, 's') +
            "\"...: 1 day missing after 2020-01-01");
}

TEST_CASE("csv: lenient mode skips bad lines, counts them and keeps the first messages", "[data][csv]") {
  CsvOptions lenient;
  lenient.lenient = true;
  lenient.max_messages = 3;
  const SalesData d = Parse(
      "date,store,item,sales\n"
      "2013-01-01,1,1,13\n"
      "2013-01-02,1,1,x\n"     // line 3: bad sales
      "2013-01-02,1,1,11\n"
      "2013-01-02,1,1,12\n"    // line 5: duplicate
      "\n"                      // line 6: blank inside
      "2013-01-03,1,1\n"       // line 7: field count
      "2013-01-03,1,1,14\n"
      "2013-01-01,2,1,1\n"
      "2013-01-02,2,1,2\n"
      "2013-01-05,2,1,5\n"     // line 11: gap: keeps this row, drops the 2 earlier rows of store 2 item 1
      "2013-01-06,2,1,6\n"
      "\n\n",
      lenient);
  REQUIRE(d.series.size() == 2);
  CHECK(d.series[0].values == std::vector<float>{13, 11, 14});
  CHECK(d.series[1].first_day == Day("2013-01-05"));
  CHECK(d.series[1].values == std::vector<float>{5, 6});
  CHECK(d.rows == 5);
  CHECK(d.skipped_rows == 6);  // 4 bad lines + 2 dropped rows; rows + skipped = 11 data lines
  CHECK(d.skipped_messages == std::vector<std::string>{
                                  "line 3, column \"sales\": \"x\" is not a non-negative integer",
                                  "line 5, column \"date\": \"2013-01-02\" is a duplicate: store 1 item 1 already "
                                  "has this date",
                                  "line 6: blank line (blank lines are accepted only at the end of the file)",
                              });
  lenient.max_messages = 10;
  const SalesData all = Parse(
      "date,store,item,sales\n2013-01-01,2,1,1\n2013-01-02,2,1,2\n2013-01-05,2,1,5\n" +
          std::string(5000, 'x') + "\n2013-01-06,2,1,6\n",
      lenient);
  CHECK(all.skipped_messages ==
        std::vector<std::string>{
            "line 4, column \"date\": \"2013-01-05\" leaves a gap in store 2 item 1: 2 days missing after 2013-01-02; "
            "dropped its 2 earlier rows and restarted it here",
            "line 5: longer than 4096 bytes (limits::kMaxCsvLineBytes): \"" + std::string(40, 'x') + "\"..."});
  CHECK(all.rows == 2);
  CHECK(all.skipped_rows == 3);
}

TEST_CASE("csv: lenient mode still refuses a file with nothing usable", "[data][csv]") {
  CsvOptions lenient;
  lenient.lenient = true;
  CHECK(Error("date,store,item,sales\n2013-01-01,1,1,-1\n2013-01-02,1,1,-2\n", lenient) ==
        "no data rows loaded: all 2 data lines were skipped; the first: line 2, column \"sales\": \"-1\" is not a "
        "non-negative integer");
  lenient.max_messages = 0;
  CHECK(Error("date,store,item,sales\n2013-01-01,1,1,-1\n", lenient) ==
        "no data rows loaded: all 1 data lines were skipped");
  CHECK(Error("date,store,item\n", lenient) ==
        "line 1: expected the header \"date,store,item,sales\" or \"date,series,value\", got \"date,store,item\"");
}

TEST_CASE("csv: the row, series and byte caps", "[data][csv]") {
  CsvOptions o;
  o.max_rows = 3;
  const std::string four = "date,store,item,sales\n2013-01-01,1,1,1\n2013-01-02,1,1,2\n2013-01-03,1,1,3\n"
                           "2013-01-04,1,1,4\n";
  CHECK(ParseSalesCsv(four.substr(0, four.size() - 17), o).ok());  // exactly 3 rows
  CHECK(Error(four, o) == "line 5: more than 3 data rows (CsvOptions::max_rows)");
  o.lenient = true;  // caps stop lenient mode too
  CHECK(Error(four, o) == "line 5: more than 3 data rows (CsvOptions::max_rows)");

  CsvOptions s;
  s.max_series = 2;
  CHECK(Error("date,series,value\n2020-01-01,a,1\n2020-01-01,b,1\n2020-01-01,c,1\n", s) ==
        "line 4: more than 2 series (CsvOptions::max_series)");

  CsvOptions b;
  b.max_bytes = 40;
  CHECK(Error("date,store,item,sales\n2013-01-01,1,1,1\n2013-01-02,1,1,2\n", b) ==
        "the CSV is larger than 40 bytes (CsvOptions::max_bytes)");

  {
    SalesCsvParser parser(b);
    CHECK(parser.CheckSize(40).ok());
    CHECK(parser.CheckSize(41).message() == "the CSV is larger than 40 bytes (CsvOptions::max_bytes)");
    CHECK(parser.Feed("date").message() == "the CSV is larger than 40 bytes (CsvOptions::max_bytes)");  // sticky
  }

  CsvOptions too_high;
  too_high.max_rows = limits::kMaxCsvRows + 1;
  CHECK(Error(kSmall, too_high) == "CsvOptions::max_rows 20000001 is above limits::kMaxCsvRows 20000000");

  // The built-in series cap, for real: 100,001 one-row series.
  std::string many = "date,series,value\n";
  for (size_t i = 0; i <= limits::kMaxSeries; ++i) many += "2020-01-01,s" + std::to_string(i) + ",1\n";
  Result<SalesData> r = ParseSalesCsv(many);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kLimitExceeded);
  CHECK(r.status().message() == "line 100002: more than 100000 series (limits::kMaxSeries)");
}

TEST_CASE("csv: the generator's file reads back exactly, in any chunking", "[data][csv]") {
  GeneratorOptions g;
  g.stores = 2;
  g.items = 3;
  g.first_day = Day("2016-12-01");
  g.last_day = Day("2017-03-01");
  const SalesData generated = GenerateSales(g).value();
  const std::string text = FormatStoreItemCsv(generated);
  for (size_t chunk : {0, 1, 13, 4096, 4097}) {
    Result<SalesData> r = ParseChunked(text, chunk);
    REQUIRE(r.ok());
    REQUIRE(r->series.size() == generated.series.size());
    for (size_t i = 0; i < generated.series.size(); ++i) {
      CHECK(r->series[i].key == generated.series[i].key);
      CHECK(r->series[i].first_day == generated.series[i].first_day);
      CHECK(r->series[i].values == generated.series[i].values);
    }
  }
}

TEST_CASE("csv: ReadSalesCsvFile streams a file and prefixes the path", "[data][csv]") {
  const std::string path = std::string(SHELFCAST_BINARY_DIR) + "/csv_test_bad.csv";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  std::fputs("date,store,item,sales\n2013-01-01,1,1,1.5\n", f);
  std::fclose(f);
  Result<SalesData> r = ReadSalesCsvFile(path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == path + ": line 2, column \"sales\": \"1.5\" is not a non-negative integer");
  CsvOptions small;
  small.max_bytes = 10;
  CHECK(ReadSalesCsvFile(path, small).status().message() ==
        path + ": the CSV is larger than 10 bytes (CsvOptions::max_bytes)");
  std::remove(path.c_str());
  CHECK(ReadSalesCsvFile(path).status().code() == StatusCode::kIo);
}

TEST_CASE("csv: mutated files never crash and give the same result in any chunking", "[data][csv]") {
  // A cheap in-tree stand-in for the fuzzer: 3,000 random byte edits of a valid file, each
  // parsed whole and in 1- and 7-byte chunks, strict and lenient; the outcomes must agree.
  const std::string base = std::string("\xEF\xBB\xBF") + kSmall + "2013-01-04,1,1,9\r\ndate,series,value\n\n";
  const char alphabet[] = "0123456789-,.\n\r\" x\xEF\xBB\xBF\xC3";
  std::mt19937 rng(7);
  for (int trial = 0; trial < 3000; ++trial) {
    std::string text = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % (text.size() + 1);
      const char c = alphabet[rng() % (sizeof alphabet - 1)];
      switch (rng() % 3) {
        case 0: text.insert(at, 1, c); break;
        case 1: if (at < text.size()) text.erase(at, 1); break;
        default: if (at < text.size()) text[at] = c; break;
      }
    }
    for (bool lenient : {false, true}) {
      CsvOptions o;
      o.lenient = lenient;
      const Result<SalesData> whole = ParseSalesCsv(text, o);
      for (size_t chunk : {1, 7}) {
        const Result<SalesData> r = ParseChunked(text, chunk, o);
        REQUIRE(r.ok() == whole.ok());
        if (!r.ok()) {
          REQUIRE(r.status().message() == whole.status().message());
          continue;
        }
        REQUIRE(r->series.size() == whole->series.size());
        REQUIRE(r->rows == whole->rows);
        REQUIRE(r->skipped_rows == whole->skipped_rows);
        for (size_t i = 0; i < r->series.size(); ++i) REQUIRE(r->series[i].values == whole->series[i].values);
      }
      if (whole.ok()) {
        size_t values = 0;
        for (const Series& s : whole->series) values += s.values.size();
        REQUIRE(values == whole->rows);
      }
    }
  }
}

}  // namespace shelfcast
