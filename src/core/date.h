// Civil dates as day numbers: days since 1970-01-01 (proleptic Gregorian), the one date
// representation used by the CSV readers, the protocol split and calendar features.
// Algorithms from Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace shelfcast {

using DayNumber = int32_t;

struct CivilDate {
  int32_t year;
  uint32_t month;  // 1..12
  uint32_t day;    // 1..31
};

DayNumber DaysFromCivil(int32_t year, uint32_t month, uint32_t day);
CivilDate CivilFromDays(DayNumber days);

// 0 = Monday .. 6 = Sunday (ISO order; the data card's W factors use it).
inline int Weekday(DayNumber days) {
  // 1970-01-01 was a Thursday (ISO index 3).
  int w = static_cast<int>((static_cast<int64_t>(days) + 3) % 7);
  return w < 0 ? w + 7 : w;
}

// Strict "YYYY-MM-DD" (exactly 10 characters, a real calendar day, years 1900..2199).
// Returns false on anything else.
bool ParseIsoDate(std::string_view text, DayNumber* out);

std::string FormatIsoDate(DayNumber days);

}  // namespace shelfcast
