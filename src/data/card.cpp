#include "data/card.h"

namespace shelfcast::card {

double Mean(DayNumber day, int32_t store, int32_t item) {
  const CivilDate c = CivilFromDays(day);
  int32_t year = c.year - kFirstYear;
  if (year < 0) year = 0;
  if (year > 4) year = 4;
  // Left to right, the order the generator has always used: the product is the same
  // double on every platform (no additions, so no FMA contraction is possible).
  return kBase * kStore[store - 1] * kItem[item - 1] * kWeekday[Weekday(day)] * kMonth[c.month - 1] * kYear[year];
}

}  // namespace shelfcast::card
