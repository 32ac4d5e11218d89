// Drift monitoring of one series: a rolling window of forecast-vs-actual for the deployed
// (compressed) model and, optionally, a float "shadow" model run beside it, and a flag
// when the deployed model's rolling MAPE exceeds a reference by a margin.
//
//   Result<SeriesDrift> d = SeriesDrift::Create(options);
//   d->Observe(day, actual, deployed_forecast, shadow_forecast);   // once per day
//   if (d->status().flagged) ...
//
// Errors are absolute percentage errors |f - a| / a * 100 over the days with actual a > 0
// only, as eval/metrics.h's MAPE: a day with zero sales stays in the window (it counts as
// a day) but has no percentage error. The window holds the last `window` observed days.
//
// Pooled (options.pooled): many series at once, several observations per day (one per
// series), in day order; the rolling MAPE is pooled over every (series, day) pair of the
// window, as eval's pooled MAPE. A level shift of a whole store stands out there: one
// series' rolling MAPE over a week is too noisy to tell it from the data's own changes
// (docs/monitoring.md has the measurement).
//
// Two rules, each on when its reference exists; the flag is on while either holds and the
// window is full with at least half of its days having sales:
//   vs shadow:   deployed MAPE > shadow MAPE + margin          (options.shadow)
//   vs baseline: deployed MAPE > baseline MAPE + margin        (options.baseline_mape >= 0,
//                or, when calibration_days > 0 and no baseline is given, the deployed
//                model's own MAPE over its first calibration_days observed days)
// The shadow rule catches what compression lost (both models see the same days, so the
// noise of the series cancels); the baseline rule catches the data moving away from
// what the deployed model knows (a demand shift hurts the shadow too).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/date.h"
#include "core/status.h"

namespace shelfcast {

struct DriftOptions {
  // The defaults (a week; 6 points) are measured in docs/monitoring.md: no false alarm on
  // the generated year, a +30 % shift flagged after 3 days.
  uint32_t window = 7;           // days in the rolling window (2..365)
  double margin = 6.0;           // MAPE points (0..1000)
  bool shadow = false;           // forecasts of a shadow model come with every observation
  double baseline_mape = -1.0;   // the deployed model's reference MAPE in %; < 0: none
  uint32_t calibration_days = 0; // no baseline given: learn it over this many first days (0: off)
  bool pooled = false;           // several observations per day (see above)
};

Status ValidateDriftOptions(const DriftOptions& options);

struct DriftStatus {
  uint32_t days = 0;          // observations recorded since Create
  uint32_t window_days = 0;   // observations in the window now (up to options.window)
  uint32_t window_count = 0;  // the MAPE's pairs in the window (observations with sales > 0)
  double deployed_mape = 0;   // rolling MAPE, % (0 while window_count == 0)
  double shadow_mape = 0;     // the shadow's, over the same days (options.shadow)
  bool has_baseline = false;  // baseline_mape is known (given, or calibrated)
  double baseline_mape = 0;
  bool flagged = false;       // either rule holds now
  bool vs_shadow = false;     // the shadow rule holds now
  bool vs_baseline = false;   // the baseline rule holds now
  uint32_t flags_raised = 0;  // times the flag went from off to on
  DayNumber flagged_since = 0;   // first day of the current flag (when flagged)
  DayNumber first_flag_day = 0;  // first day the flag was ever on (when flags_raised > 0)
};

class SeriesDrift {
 public:
  static Result<SeriesDrift> Create(const DriftOptions& options);

  // One day: the actual sales and the forecasts made for that day before it was known.
  // `shadow` is ignored unless options.shadow. Days must increase (pooled: must not
  // decrease). Refuses (and records nothing) a negative or non-finite actual, a
  // non-finite forecast, or a day out of order.
  Status Observe(DayNumber day, float actual, float deployed, float shadow);

  const DriftStatus& status() const { return status_; }
  const DriftOptions& options() const { return options_; }

 private:
  explicit SeriesDrift(const DriftOptions& options);
  void Update(DayNumber day);

  struct Entry {  // one day: sums of the percentage errors of its pairs with sales > 0
    double deployed = 0;
    double shadow = 0;
    uint32_t count = 0;
  };
  DriftOptions options_;
  std::vector<Entry> ring_;  // options.window entries
  size_t next_ = 0;     // the entry the next day takes
  size_t current_ = 0;  // the entry of last_day_
  DayNumber last_day_ = 0;
  double calibration_sum_ = 0;
  uint32_t calibration_count_ = 0;
  DriftStatus status_;
};

}  // namespace shelfcast
