#include "data/csv.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <utility>
#include <vector>

#include "core/date.h"

namespace shelfcast {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kStoreItemHeader = "date,store,item,sales";
constexpr std::string_view kGenericHeader = "date,series,value";
// Counts above 2^24 would be rounded when stored as float.
constexpr uint64_t kMaxExactCount = uint64_t{1} << 24;
constexpr uint64_t kMaxId = 2147483647;  // store and item ids are int32
constexpr int kMaxDecimalDigits = 15;
// 10^k is exact in double for k <= 22; we need k <= kMaxDecimalDigits.
constexpr double kPow10[kMaxDecimalDigits + 1] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                  1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

const char* Plural(size_t n, const char* one, const char* many) { return n == 1 ? one : many; }

// Offending text as shown in messages: in double quotes, at most 40 bytes (then "..."),
// never cut inside a UTF-8 sequence, control bytes as \xNN, '"' and '\' escaped.
std::string Quote(std::string_view text) {
  constexpr size_t kShown = 40;
  size_t n = std::min(text.size(), kShown);
  if (n < text.size())
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;  // 10xxxxxx: continuation
  std::string out = "\"";
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  if (n < text.size()) out += "...";
  return out;
}

enum class Parsed { kOk, kSyntax, kTooLarge };

// Decimal digits only (no sign, no spaces). kTooLarge when all digits but above max.
Parsed ParseUnsigned(std::string_view s, uint64_t max, uint64_t* out) {
  if (s.empty()) return Parsed::kSyntax;
  uint64_t v = 0;
  bool too_large = false;
  for (const char c : s) {
    if (c < '0' || c > '9') return Parsed::kSyntax;
    if (!too_large) {
      v = v * 10 + static_cast<uint64_t>(c - '0');  // v <= max < 2^60 before, no overflow
      too_large = v > max;
    }
  }
  if (too_large) return Parsed::kTooLarge;
  *out = v;
  return Parsed::kOk;
}

// digits ['.' digits], at most kMaxDecimalDigits significant digits and as many after the
// point. value = mantissa / 10^k with mantissa < 10^15 < 2^53 and 10^k exact in double:
// one correctly rounded division (Clinger's fast path), then rounded to float. Every
// IEEE-754 platform gives the same float.
Parsed ParseDecimal(std::string_view s, float* out) {
  uint64_t mantissa = 0;
  int significant = 0, fraction = 0;
  size_t i = 0;
  auto digits = [&](bool after_point) {
    const size_t start = i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (mantissa != 0 || s[i] != '0') ++significant;
      if (significant <= kMaxDecimalDigits) mantissa = mantissa * 10 + static_cast<uint64_t>(s[i] - '0');
      if (after_point) ++fraction;
    }
    return i > start;
  };
  if (!digits(false)) return Parsed::kSyntax;
  if (i < s.size()) {
    if (s[i] != '.') return Parsed::kSyntax;
    ++i;
    if (!digits(true) || i != s.size()) return Parsed::kSyntax;
  }
  if (significant > kMaxDecimalDigits || fraction > kMaxDecimalDigits) return Parsed::kTooLarge;
  *out = static_cast<float>(static_cast<double>(mantissa) / kPow10[fraction]);
  return Parsed::kOk;
}

// Splits at commas into at most `max` views; returns the number of fields in the line.
size_t SplitFields(std::string_view line, std::string_view* fields, size_t max) {
  size_t count = 0, start = 0;
  for (;;) {
    const void* comma = std::memchr(line.data() + start, ',', line.size() - start);
    const size_t end = comma ? static_cast<size_t>(static_cast<const char*>(comma) - line.data()) : line.size();
    if (count < max) fields[count] = line.substr(start, end - start);
    ++count;
    if (!comma) return count;
    start = end + 1;
  }
}

const char* CapName(size_t value, size_t builtin, const char* builtin_name, const char* option_name) {
  return value == builtin ? builtin_name : option_name;
}

}  // namespace

struct SalesCsvParser::State {
  CsvOptions options;
  Status error;           // sticky: once set, every call returns it
  bool finished = false;
  std::string carry;      // the unfinished last line of the chunks fed so far
  bool discarding = false;  // lenient: inside an over-long line, dropping bytes up to '\n'
  size_t bytes = 0;
  size_t line = 0;          // number of the last line taken from the input
  bool have_header = false;
  SalesFormat format = SalesFormat::kStoreItem;
  size_t leading_blank = 0;    // blank lines before anything else (line 1 blank)
  size_t pending_blank = 0;    // blank lines since the last row: fine if nothing follows
  size_t first_blank_line = 0;
  size_t data_lines = 0;
  size_t rows = 0;
  size_t skipped = 0;
  std::vector<std::string> messages;
  std::vector<Series> series;
  // Series index by key: the generic id, or for store-item 8 bytes, store then item,
  // big-endian, so that the map's byte order is (store, item) order, the output order.
  // One ordered map: its code is already in the wasm module (a hash map, or a second
  // key type, would add kilobytes). Rows of one series usually follow each other, so
  // last_series answers most lookups without it.
  std::map<std::string, uint32_t, std::less<>> by_key;
  uint32_t last_series = UINT32_MAX;

  void Fail(Status status) {
    if (error.ok()) error = std::move(status);
  }

  // A bad data line: the error (strict) or one more skipped line (lenient).
  void Bad(size_t at, const std::string& what) {
    std::string message = StrFormat("line %zu%s", at, what.c_str());
    if (!options.lenient) return Fail(InvalidData(std::move(message)));
    ++skipped;
    Report(std::move(message));
  }
  void BadField(const char* column, std::string_view text, const std::string& what) {
    Bad(line, StrFormat(", column \"%s\": %s %s", column, Quote(text).c_str(), what.c_str()));
  }
  void Report(std::string message) {
    if (messages.size() < options.max_messages) messages.push_back(std::move(message));
  }

  bool CountDataLines(size_t n) {
    data_lines += n;
    if (data_lines <= options.max_rows) return true;
    Fail(LimitExceeded(StrFormat("line %zu: more than %zu data rows (%s)", line, options.max_rows,
                              CapName(options.max_rows, limits::kMaxCsvRows, "limits::kMaxCsvRows",
                                      "CsvOptions::max_rows"))));
    return false;
  }

  void TooManyBytes() {
    Fail(LimitExceeded(StrFormat("the CSV is larger than %zu bytes (%s)", options.max_bytes,
                              CapName(options.max_bytes, limits::kMaxCsvBytes, "limits::kMaxCsvBytes",
                                      "CsvOptions::max_bytes"))));
  }

  std::string SeriesName(const Series& s) const {
    return format == SalesFormat::kStoreItem ? s.key : "series " + Quote(s.key);
  }

  void Header(std::string_view text) {
    if (text == kStoreItemHeader) {
      format = SalesFormat::kStoreItem;
    } else if (text == kGenericHeader) {
      format = SalesFormat::kGeneric;
    } else {
      return Fail(InvalidData("line 1: expected the header \"date,store,item,sales\" or \"date,series,value\", got " +
                              Quote(text)));
    }
    have_header = true;
  }

  // One line without its '\n'. too_long: Feed saw more than the cap (text is its start).
  void Line(std::string_view text, bool too_long = false) {
    ++line;
    if (!too_long) {
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      if (line == 1 && text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
      too_long = text.size() > limits::kMaxCsvLineBytes;
    }
    if (!too_long && text.empty()) {
      if (!have_header) {
        ++leading_blank;
      } else if (pending_blank++ == 0) {
        first_blank_line = line;
      }
      return;
    }
    const std::string long_line =
        too_long ? StrFormat(": longer than %zu bytes (limits::kMaxCsvLineBytes): %s", limits::kMaxCsvLineBytes,
                          Quote(text).c_str())
                 : std::string();
    if (!have_header) {
      if (leading_blank) return Header("");  // line 1 was blank
      if (too_long) return Fail(LimitExceeded(StrFormat("line 1%s", long_line.c_str())));
      return Header(text);
    }
    if (pending_blank) {  // blank lines with data after them
      if (!CountDataLines(pending_blank)) return;
      for (size_t k = 0; k < pending_blank && error.ok(); ++k)
        Bad(first_blank_line + k, ": blank line (blank lines are accepted only at the end of the file)");
      pending_blank = 0;
      if (!error.ok()) return;
    }
    if (!CountDataLines(1)) return;
    if (too_long) {
      if (!options.lenient) return Fail(LimitExceeded(StrFormat("line %zu%s", line, long_line.c_str())));
      return Bad(line, long_line);
    }
    if (format == SalesFormat::kStoreItem) {
      StoreItemRow(text);
    } else {
      GenericRow(text);
    }
  }

  bool FieldCount(std::string_view text, size_t count, size_t expected, std::string_view header) {
    if (count == expected) return true;
    Bad(line, StrFormat(": %zu %s, expected %zu (%.*s): %s", count, Plural(count, "field", "fields"), expected,
                     static_cast<int>(header.size()), header.data(), Quote(text).c_str()));
    return false;
  }

  bool Date(std::string_view text, DayNumber* day) {
    if (ParseIsoDate(text, day)) return true;
    BadField("date", text, "is not a YYYY-MM-DD date");
    return false;
  }

  bool Id(const char* column, std::string_view text, int32_t* out) {
    uint64_t v = 0;
    if (ParseUnsigned(text, kMaxId, &v) == Parsed::kOk && v > 0) {
      *out = static_cast<int32_t>(v);
      return true;
    }
    BadField(column, text, "is not a positive integer (1..2147483647)");
    return false;
  }

  void StoreItemRow(std::string_view text) {
    std::string_view f[4];
    if (!FieldCount(text, SplitFields(text, f, 4), 4, kStoreItemHeader)) return;
    DayNumber day;
    int32_t store, item;
    if (!Date(f[0], &day) || !Id("store", f[1], &store) || !Id("item", f[2], &item)) return;
    uint64_t sales = 0;
    const Parsed p = ParseUnsigned(f[3], kMaxExactCount, &sales);
    if (p == Parsed::kSyntax) return BadField("sales", f[3], "is not a non-negative integer");
    if (p == Parsed::kTooLarge)
      return BadField("sales", f[3], "is above 16777216 (2^24, the largest count a float holds exactly)");

    uint32_t index = last_series;
    if (index == UINT32_MAX || series[index].store != store || series[index].item != item) {
      char packed[8];
      for (int k = 0; k < 4; ++k) {
        packed[k] = static_cast<char>(static_cast<uint32_t>(store) >> (24 - 8 * k));
        packed[4 + k] = static_cast<char>(static_cast<uint32_t>(item) >> (24 - 8 * k));
      }
      const std::string_view key(packed, 8);
      auto it = by_key.find(key);
      if (it == by_key.end()) {
        Series s;
        s.key = StrFormat("store %d item %d", static_cast<int>(store), static_cast<int>(item));
        s.store = store;
        s.item = item;
        if (!NewSeries(std::move(s), day, static_cast<float>(sales), &index)) return;
        by_key.emplace(key, index);
        last_series = index;
        return;
      }
      index = it->second;
      last_series = index;
    }
    Append(index, f[0], day, static_cast<float>(sales));
  }

  void GenericRow(std::string_view text) {
    std::string_view f[3];
    if (!FieldCount(text, SplitFields(text, f, 3), 3, kGenericHeader)) return;
    DayNumber day;
    if (!Date(f[0], &day)) return;
    if (f[1].empty()) return BadField("series", f[1], "is empty (every row needs a series id)");
    if (f[1].find('"') != std::string_view::npos)
      return BadField("series", f[1], "contains a double quote (quoted fields are not supported)");
    float value = 0;
    const Parsed p = ParseDecimal(f[2], &value);
    if (p == Parsed::kSyntax)
      return BadField("value", f[2], "is not a non-negative decimal number (digits, optionally '.' and digits)");
    if (p == Parsed::kTooLarge)
      return BadField("value", f[2], "has more than 15 significant digits or 15 digits after the point");

    uint32_t index = last_series;
    if (index == UINT32_MAX || series[index].key != f[1]) {
      auto it = by_key.find(f[1]);
      if (it == by_key.end()) {
        Series s;
        s.key = std::string(f[1]);
        if (!NewSeries(std::move(s), day, value, &index)) return;
        by_key.emplace(f[1], index);
        last_series = index;
        return;
      }
      index = it->second;
      last_series = index;
    }
    Append(index, f[0], day, value);
  }

  bool NewSeries(Series s, DayNumber day, float value, uint32_t* index) {
    if (series.size() >= options.max_series) {
      Fail(LimitExceeded(StrFormat("line %zu: more than %zu series (%s)", line, options.max_series,
                                CapName(options.max_series, limits::kMaxSeries, "limits::kMaxSeries",
                                        "CsvOptions::max_series"))));
      return false;
    }
    s.first_day = day;
    s.values.push_back(value);
    *index = static_cast<uint32_t>(series.size());
    series.push_back(std::move(s));
    ++rows;
    return true;
  }

  // The next row of a series: the day after its last day, or a duplicate, out of order
  // or a gap.
  void Append(uint32_t index, std::string_view date_text, DayNumber day, float value) {
    Series& s = series[index];
    const DayNumber last = s.last_day();
    if (day == last + 1) {
      s.values.push_back(value);
      ++rows;
      return;
    }
    if (day >= s.first_day && day <= last)
      return BadField("date", date_text, StrFormat("is a duplicate: %s already has this date", SeriesName(s).c_str()));
    if (day < s.first_day)
      return BadField("date", date_text,
                      StrFormat("is out of order: %s has reached %s (the dates of a series must increase)",
                             SeriesName(s).c_str(), FormatIsoDate(last).c_str()));
    const DayNumber missing = day - last - 1;
    const std::string what = StrFormat("leaves a gap in %s: %d %s missing after %s", SeriesName(s).c_str(),
                                    static_cast<int>(missing), Plural(static_cast<size_t>(missing), "day", "days"),
                                    FormatIsoDate(last).c_str());
    if (!options.lenient) return BadField("date", date_text, what);
    // Lenient: keep the latest run of consecutive days. This line is loaded; the
    // series' earlier rows are dropped and counted as skipped.
    const size_t dropped = s.values.size();
    Report(StrFormat("line %zu, column \"date\": %s %s; dropped its %zu earlier %s and restarted it here", line,
                  Quote(date_text).c_str(), what.c_str(), dropped, Plural(dropped, "row", "rows")));
    skipped += dropped;
    rows -= dropped;
    s.first_day = day;
    s.values.assign(1, value);
    ++rows;
  }
};

SalesCsvParser::SalesCsvParser(const CsvOptions& options) : state_(std::make_unique<State>()) {
  State& st = *state_;
  st.options = options;
  if (options.max_bytes > limits::kMaxCsvBytes)
    st.Fail(InvalidArgument(StrFormat("CsvOptions::max_bytes %zu is above limits::kMaxCsvBytes %zu", options.max_bytes,
                                   limits::kMaxCsvBytes)));
  if (options.max_rows > limits::kMaxCsvRows)
    st.Fail(InvalidArgument(StrFormat("CsvOptions::max_rows %zu is above limits::kMaxCsvRows %zu", options.max_rows,
                                   limits::kMaxCsvRows)));
  if (options.max_series > limits::kMaxSeries)
    st.Fail(InvalidArgument(StrFormat("CsvOptions::max_series %zu is above limits::kMaxSeries %zu", options.max_series,
                                   limits::kMaxSeries)));
  st.carry.reserve(limits::kMaxCsvLineBytes + 1);
}

SalesCsvParser::SalesCsvParser(SalesCsvParser&&) noexcept = default;
SalesCsvParser& SalesCsvParser::operator=(SalesCsvParser&&) noexcept = default;
SalesCsvParser::~SalesCsvParser() = default;

Status SalesCsvParser::CheckSize(uint64_t total_bytes) {
  State& st = *state_;
  if (st.error.ok() && total_bytes > st.options.max_bytes) st.TooManyBytes();
  return st.error;
}

Status SalesCsvParser::Feed(std::string_view chunk) {
  State& st = *state_;
  if (!st.error.ok()) return st.error;
  if (st.finished) return Internal("SalesCsvParser::Feed called after Finish");
  if (chunk.size() > st.options.max_bytes - st.bytes) {
    st.TooManyBytes();
    return st.error;
  }
  st.bytes += chunk.size();
  // A line may keep one '\r' beyond the cap: it is part of the line break.
  constexpr size_t kMaxHeld = limits::kMaxCsvLineBytes + 1;
  size_t pos = 0;
  while (pos < chunk.size() && st.error.ok()) {
    const char* begin = chunk.data() + pos;
    const void* nl = std::memchr(begin, '\n', chunk.size() - pos);
    const size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - chunk.data()) : chunk.size();
    const std::string_view piece = chunk.substr(pos, end - pos);
    pos = end + 1;
    if (st.discarding) {
      if (nl) st.discarding = false;
      continue;
    }
    if (st.carry.size() + piece.size() > kMaxHeld) {
      // Too long, whether or not its end is in this chunk: report without holding it.
      std::string start = st.carry.substr(0, 64);
      start.append(piece.substr(0, 64 - start.size()));
      st.carry.clear();
      st.Line(start, /*too_long=*/true);
      st.discarding = nl == nullptr;
      continue;
    }
    if (!nl) {
      st.carry.append(piece);
      break;
    }
    if (st.carry.empty()) {
      st.Line(piece);
    } else {
      st.carry.append(piece);
      st.Line(st.carry);
      st.carry.clear();
    }
  }
  return st.error;
}

Result<SalesData> SalesCsvParser::Finish() {
  State& st = *state_;
  if (!st.error.ok()) return st.error;
  if (st.finished) return Internal("SalesCsvParser::Finish called twice");
  st.finished = true;
  if (!st.carry.empty()) {
    st.Line(st.carry);
    st.carry.clear();
    if (!st.error.ok()) return st.error;
  }
  if (!st.have_header) {
    st.Fail(InvalidData("empty file: expected the header \"date,store,item,sales\" or \"date,series,value\""));
    return st.error;
  }
  if (st.rows == 0) {
    if (st.skipped == 0) {
      st.Fail(InvalidData("no data rows after the header"));
    } else {
      const bool any = !st.messages.empty();  // max_messages may be 0
      st.Fail(InvalidData(StrFormat("no data rows loaded: all %zu data lines were skipped%s%s", st.skipped,
                                 any ? "; the first: " : "", any ? st.messages.front().c_str() : "")));
    }
    return st.error;
  }

  SalesData data;
  data.format = st.format;
  data.rows = st.rows;
  data.skipped_rows = st.skipped;
  data.skipped_messages = std::move(st.messages);
  // Store-item: (store, item) order, the map's order; generic: order of first appearance.
  std::vector<uint32_t> order;
  order.reserve(st.series.size());
  if (st.format == SalesFormat::kStoreItem) {
    for (const auto& entry : st.by_key) order.push_back(entry.second);
  } else {
    for (uint32_t i = 0; i < st.series.size(); ++i) order.push_back(i);
  }
  data.series.reserve(order.size());
  for (uint32_t i : order) {
    st.series[i].values.shrink_to_fit();  // growth by doubling may have left 2x capacity
    data.series.push_back(std::move(st.series[i]));
  }
  st.series.clear();
  return data;
}

Result<SalesData> ParseSalesCsv(std::string_view text, const CsvOptions& options) {
  SalesCsvParser parser(options);
  SHELFCAST_RETURN_IF_ERROR(parser.Feed(text));
  return parser.Finish();
}

}  // namespace shelfcast
