#include <catch2/catch.hpp>

#include "core/date.h"

using namespace shelfcast;

TEST_CASE("day numbers match known dates", "[core][date]") {
  CHECK(DaysFromCivil(1970, 1, 1) == 0);
  CHECK(DaysFromCivil(2013, 1, 1) == 15706);
  CHECK(DaysFromCivil(2017, 12, 31) == 17531);
  CHECK(DaysFromCivil(2000, 3, 1) - DaysFromCivil(2000, 2, 28) == 2);  // 2000 is a leap year
  CHECK(DaysFromCivil(1900, 3, 1) - DaysFromCivil(1900, 2, 28) == 1);  // 1900 is not
}

TEST_CASE("weekdays are ISO, Monday = 0", "[core][date]") {
  CHECK(Weekday(DaysFromCivil(2013, 1, 1)) == 1);   // a Tuesday
  CHECK(Weekday(DaysFromCivil(2017, 12, 31)) == 6); // a Sunday
  CHECK(Weekday(DaysFromCivil(1969, 12, 29)) == 0); // negative day numbers: a Monday
}

TEST_CASE("civil dates round-trip over three centuries", "[core][date]") {
  for (DayNumber d = DaysFromCivil(1900, 1, 1); d <= DaysFromCivil(2199, 12, 31); ++d) {
    const CivilDate c = CivilFromDays(d);
    REQUIRE(DaysFromCivil(c.year, c.month, c.day) == d);
    DayNumber parsed;
    REQUIRE(ParseIsoDate(FormatIsoDate(d), &parsed));
    REQUIRE(parsed == d);
  }
}

TEST_CASE("ParseIsoDate is strict", "[core][date]") {
  DayNumber d;
  CHECK(ParseIsoDate("2016-02-29", &d));
  CHECK_FALSE(ParseIsoDate("2017-02-29", &d));
  CHECK_FALSE(ParseIsoDate("2017-13-01", &d));
  CHECK_FALSE(ParseIsoDate("2017-00-10", &d));
  CHECK_FALSE(ParseIsoDate("2017-04-31", &d));
  CHECK_FALSE(ParseIsoDate("2017-4-01", &d));
  CHECK_FALSE(ParseIsoDate("2017/04/01", &d));
  CHECK_FALSE(ParseIsoDate("2017-04-01 ", &d));
  CHECK_FALSE(ParseIsoDate("1899-12-31", &d));
  CHECK_FALSE(ParseIsoDate("", &d));
}
