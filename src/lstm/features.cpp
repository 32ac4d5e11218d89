#include "lstm/features.h"

namespace shelfcast {

WindowScale ScaleForWindow(const Model& model, const float* sales, size_t count) {
  if (model.norm == NormKind::kGlobal) return {model.norm_offset, model.norm_scale};
  double sum = 0;
  for (size_t i = 0; i < count; ++i) sum += sales[i];
  const double mean = count ? sum / static_cast<double>(count) : 0.0;
  return {0.f, static_cast<float>(mean) + model.norm_offset};
}

void WriteCalendarFeatures(uint8_t calendar, DayNumber input_day, float* out) {
  const DayNumber day = input_day + 1;
  if (calendar & kCalendarDayOfWeek) {
    const int w = Weekday(day);
    for (int k = 0; k < 7; ++k) *out++ = k == w ? 1.f : 0.f;
  }
  if (calendar & kCalendarMonth) {
    const unsigned m = CivilFromDays(day).month - 1;
    for (unsigned k = 0; k < 12; ++k) *out++ = k == m ? 1.f : 0.f;
  }
}

}  // namespace shelfcast
