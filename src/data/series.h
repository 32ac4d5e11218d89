// Daily sales series in memory: what the CSV readers produce and everything downstream
// (protocol, baselines, trainer, evaluation) consumes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/date.h"

namespace shelfcast {

struct Series {
  std::string key;     // "store 1 item 1" (store-item format) or the series id (generic)
  int32_t store = 0;   // 0 in the generic format
  int32_t item = 0;    // 0 in the generic format
  DayNumber first_day = 0;
  std::vector<float> values;  // one per day from first_day, no gaps

  DayNumber last_day() const { return first_day + static_cast<DayNumber>(values.size()) - 1; }
  bool Covers(DayNumber day) const { return day >= first_day && day <= last_day(); }
  float At(DayNumber day) const { return values[static_cast<size_t>(day - first_day)]; }
};

enum class SalesFormat { kStoreItem, kGeneric };

struct SalesData {
  SalesFormat format = SalesFormat::kStoreItem;
  std::vector<Series> series;
  // Filled by the CSV readers (data/csv.h): rows loaded, and in lenient mode the data
  // lines that were not (bad lines, and earlier rows dropped at a gap) with the first
  // few messages. rows + skipped_rows = the data lines of the file.
  size_t rows = 0;
  size_t skipped_rows = 0;
  std::vector<std::string> skipped_messages;

  // nullptr when absent.
  const Series* Find(int32_t store, int32_t item) const {
    for (const Series& s : series)
      if (s.store == store && s.item == item) return &s;
    return nullptr;
  }
};

}  // namespace shelfcast
