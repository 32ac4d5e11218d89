// Embind bindings of the drift monitor (monitor/drift.h) for web/shelfcast.js's Monitor:
// one handle per series. observe() returns 0 on success and 1 on failure with the message
// in lastError(), like the stream handles.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>
#include <string>

#include "monitor/drift.h"

namespace shelfcast {
namespace {

using emscripten::val;

class DriftHandle {
 public:
  DriftHandle(uint32_t window, double margin, bool shadow, double baseline_mape, uint32_t calibration_days, bool pooled) {
    DriftOptions o;
    o.window = window;
    o.margin = margin;
    o.shadow = shadow;
    o.baseline_mape = baseline_mape;
    o.calibration_days = calibration_days;
    o.pooled = pooled;
    Result<SeriesDrift> d = SeriesDrift::Create(o);
    if (!d.ok()) {
      error_ = d.status().message();
      return;
    }
    drift_.reset(new SeriesDrift(std::move(d).value()));
  }

  std::string error() const { return drift_ ? std::string() : error_; }
  std::string lastError() const { return error_; }

  int observe(int32_t day, float actual, float deployed, float shadow) {
    if (!drift_) return 1;
    const Status s = drift_->Observe(day, actual, deployed, shadow);
    if (s.ok()) return 0;
    error_ = s.message();
    return 1;
  }

  val status() const {
    val o = val::object();
    if (!drift_) return o;
    const DriftStatus& s = drift_->status();
    o.set("days", s.days);
    o.set("windowDays", s.window_days);
    o.set("windowCount", s.window_count);
    o.set("deployedMape", s.deployed_mape);
    o.set("shadowMape", drift_->options().shadow ? val(s.shadow_mape) : val::null());
    o.set("baselineMape", s.has_baseline ? val(s.baseline_mape) : val::null());
    o.set("flagged", s.flagged);
    o.set("vsShadow", s.vs_shadow);
    o.set("vsBaseline", s.vs_baseline);
    o.set("flagsRaised", s.flags_raised);
    o.set("flaggedSince", s.flagged ? val(s.flagged_since) : val::null());
    o.set("firstFlagDay", s.flags_raised ? val(s.first_flag_day) : val::null());
    return o;
  }

 private:
  std::unique_ptr<SeriesDrift> drift_;
  std::string error_;
};

}  // namespace
}  // namespace shelfcast

EMSCRIPTEN_BINDINGS(shelfcast_monitor) {
  using namespace emscripten;
  using shelfcast::DriftHandle;
  class_<DriftHandle>("DriftHandle")
      .constructor<uint32_t, double, bool, double, uint32_t, bool>()
      .function("error", &DriftHandle::error)
      .function("lastError", &DriftHandle::lastError)
      .function("observe", &DriftHandle::observe)
      .function("status", &DriftHandle::status);
}
