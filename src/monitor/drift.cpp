#include "monitor/drift.h"

#include <cmath>
#include <string>

namespace shelfcast {
namespace {

constexpr uint32_t kMaxWindow = 365;
constexpr uint32_t kMaxCalibration = 3650;

bool ValidActual(float v) { return std::isfinite(v) && v >= 0; }

// |f - a| / a * 100, or -1 when a == 0 (no percentage error), as eval/metrics.cpp.
double Ape(float actual, float forecast) {
  if (actual <= 0) return -1.0;
  return std::fabs(static_cast<double>(forecast) - actual) / actual * 100.0;
}

}  // namespace

Status ValidateDriftOptions(const DriftOptions& o) {
  if (o.window < 2 || o.window > kMaxWindow)
    return InvalidArgument("monitor window of " + std::to_string(o.window) + " days is outside 2.." +
                           std::to_string(kMaxWindow));
  if (!(o.margin >= 0 && o.margin <= 1000)) return InvalidArgument("monitor margin must be 0..1000 MAPE points");
  if (!(o.baseline_mape < 0 || (std::isfinite(o.baseline_mape) && o.baseline_mape <= 1e6)))
    return InvalidArgument("baseline MAPE must be a finite percentage (or negative for none)");
  if (o.calibration_days > kMaxCalibration)
    return InvalidArgument("calibration of " + std::to_string(o.calibration_days) + " days is over the cap of " +
                           std::to_string(kMaxCalibration));
  return Status::Ok();
}

SeriesDrift::SeriesDrift(const DriftOptions& options) : options_(options), ring_(options.window) {
  if (options.baseline_mape >= 0) {
    status_.has_baseline = true;
    status_.baseline_mape = options.baseline_mape;
  }
}

Result<SeriesDrift> SeriesDrift::Create(const DriftOptions& options) {
  const Status s = ValidateDriftOptions(options);
  if (!s.ok()) return s;
  return SeriesDrift(options);
}

Status SeriesDrift::Observe(DayNumber day, float actual, float deployed, float shadow) {
  const bool same_day = status_.days > 0 && day == last_day_ && options_.pooled;
  if (status_.days > 0 && day <= last_day_ && !same_day)
    return InvalidArgument("day " + FormatIsoDate(day) + " is not after the last observed day " +
                           FormatIsoDate(last_day_));
  if (!ValidActual(actual)) return InvalidArgument("actual sales of " + FormatIsoDate(day) + " must be a finite number >= 0");
  if (!std::isfinite(deployed))
    return InvalidArgument("the deployed model's forecast for " + FormatIsoDate(day) + " is not a finite number");
  if (options_.shadow && !std::isfinite(shadow))
    return InvalidArgument("the shadow model's forecast for " + FormatIsoDate(day) + " is not a finite number");
  const bool calibrating = options_.baseline_mape < 0 && options_.calibration_days > 0 && !status_.has_baseline;
  if (!same_day) {
    // The calibration ends with its last day (the next day's first observation closes it).
    if (calibrating && status_.days == options_.calibration_days && calibration_count_ > 0) {
      status_.has_baseline = true;
      status_.baseline_mape = calibration_sum_ / calibration_count_;
    }
    ring_[next_] = Entry();
    current_ = next_;
    next_ = (next_ + 1) % ring_.size();
    last_day_ = day;
    ++status_.days;
    if (status_.window_days < options_.window) ++status_.window_days;
  }
  const double d_ape = Ape(actual, deployed);
  if (d_ape >= 0) {
    Entry& e = ring_[current_];
    e.deployed += d_ape;
    if (options_.shadow) e.shadow += Ape(actual, shadow);
    ++e.count;
    if (calibrating && status_.days <= options_.calibration_days) {
      calibration_sum_ += d_ape;
      ++calibration_count_;
    }
  }
  // A series (one observation a day) knows its calibration is complete at once.
  if (!options_.pooled && calibrating && status_.days == options_.calibration_days && calibration_count_ > 0) {
    status_.has_baseline = true;
    status_.baseline_mape = calibration_sum_ / calibration_count_;
  }
  Update(day);
  return Status::Ok();
}

// Sums the window afresh each day (at most 365 entries): no drift from running sums.
void SeriesDrift::Update(DayNumber day) {
  double deployed = 0, shadow = 0;
  uint32_t count = 0;
  for (uint32_t i = 0; i < status_.window_days; ++i) {
    const Entry& e = ring_[i];
    deployed += e.deployed;
    shadow += e.shadow;
    count += e.count;
  }
  DriftStatus& s = status_;
  s.window_count = count;
  s.deployed_mape = count ? deployed / count : 0;
  s.shadow_mape = count && options_.shadow ? shadow / count : 0;
  // Only a full window with at least one pair per two days is judged (a series: sales on
  // at least half of its days).
  const bool judged = s.window_days == options_.window && 2 * count >= options_.window;
  s.vs_shadow = judged && options_.shadow && s.deployed_mape > s.shadow_mape + options_.margin;
  s.vs_baseline = judged && s.has_baseline && s.deployed_mape > s.baseline_mape + options_.margin;
  const bool was = s.flagged;
  s.flagged = s.vs_shadow || s.vs_baseline;
  if (s.flagged && !was) {
    if (s.flags_raised == 0) s.first_flag_day = day;
    ++s.flags_raised;
    s.flagged_since = day;
  }
}

}  // namespace shelfcast
