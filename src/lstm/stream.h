// Streaming forecasts: one series fed one observation at a time (a kiosk gets one new day
// of sales at a time and must not re-run the whole window for it).
//
//   Result<std::shared_ptr<StreamModel>> model = StreamModel::Load(bytes, size);
//   Result<std::unique_ptr<SeriesStream>> s = MakeLstmStream(*model);   // O(H^2) per step
//   for (...) s.value()->Step(sales_of_the_day, &day);  // day: the observation's date
//   float next[7];
//   s.value()->Forecast(7, next);                        // the 7 days after the last step
//   std::vector<uint8_t> saved = s.value()->SaveState(); // persist; RestoreState() later
//
// Two kinds of stream, one interface:
//
// - LSTM-state stream (MakeLstmStream): carries the LSTM's h and c from step to step, one
//   LSTM step per observation. Starting from Reset(), after exactly window() steps its
//   forecast is bit-identical to Forecaster::Forecast over those window() values. After
//   more steps it keeps carrying the state (as a Keras `stateful=True` LSTM does): the
//   forecast then depends on every day since Reset(), not only on the last window() days.
//   Only for global normalisation: a window-mean model divides every input by the mean of
//   its whole window, so a new day changes the scale of all earlier inputs and the state
//   cannot be carried forward; MakeLstmStream refuses such models and says why.
// - Window stream (MakeWindowStream): keeps the last window() observations in a ring
//   buffer (O(1) per step) and re-runs the window at each Forecast (O(T H^2)). Works for
//   every model and always equals Forecaster::Forecast over the last window() days.
//
// Both refuse to forecast before window() observations have been seen, and both keep
// consecutive days: a date given to Step must be the day after the previous step's.
//
// SaveState() returns a compact versioned byte string (layout in stream.cpp, documented in
// docs/streaming.md) that carries the model's fingerprint, so a state can never be
// restored into a stream of another model or of the other kind; RestoreState() checks
// every byte of it (it may come from localStorage, i.e. from anywhere).
//
// Streams of one model share a StreamModel (its packed weights and scratch): neither may be
// used by two threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "format/model.h"
#include "lstm/forecaster.h"
#include "lstm/layer.h"

namespace shelfcast {

namespace internal {
class LstmStream;
class WindowStream;
}  // namespace internal

// What the streams of one model share: the model, LSTM runners for one row, the Dense head.
class StreamModel {
 public:
  static Result<std::shared_ptr<StreamModel>> Create(Model model, const KernelOptions& options = {});
  static Result<std::shared_ptr<StreamModel>> Load(const uint8_t* bytes, size_t size,
                                                   const KernelOptions& options = {});

  const Model& model() const { return model_; }
  // FNV-1a 64 of the model's structure, normalisation and weights: equal models, equal
  // fingerprints; saved states carry it.
  uint64_t fingerprint() const { return fingerprint_; }
  // Floats of LSTM state: 2 * units per LSTM layer (h then c).
  size_t state_size() const { return state_size_; }

 private:
  friend class internal::LstmStream;
  friend class internal::WindowStream;
  StreamModel() = default;
  // Puts `state` into the runners' row 0; the next Advance/Head continue from it.
  void SetRunnerState(const float* state);
  // One LSTM step on input x (input_features() floats) from the loaded state.
  void Advance(const float* x);
  // Copies the runners' row-0 state out.
  void GetRunnerState(float* state) const;
  // The Dense head on the last LSTM layer's h: the normalised prediction.
  float Head() const;
  Result<Forecaster*> WindowForecaster();

  Model model_;
  KernelOptions options_;
  uint64_t fingerprint_ = 0;
  size_t state_size_ = 0;
  std::vector<std::unique_ptr<LstmLayerRunner>> lstm_;
  std::vector<size_t> units_;  // of each LSTM layer
  std::unique_ptr<DenseHead> head_;
  std::unique_ptr<Forecaster> forecaster_;  // window streams only; made on first use
};

enum class StreamKind : uint8_t { kLstmState = 1, kWindow = 2 };
const char* StreamKindName(StreamKind kind);

class SeriesStream {
 public:
  virtual ~SeriesStream() = default;

  virtual StreamKind kind() const = 0;
  const StreamModel& stream_model() const { return *model_; }

  // Feeds one observation (raw sales, finite). `day`: the observation's date as a day
  // number, or nullptr. Models with calendar features need it on the first step after
  // Reset(); later steps default to the day after the previous one. When given, it must
  // be exactly that day. On error the stream is unchanged.
  virtual Status Step(float value, const DayNumber* day) = 0;
  // Writes the forecasts of the `horizon` days after the last observation to out. Does
  // not change the stream.
  virtual Status Forecast(uint32_t horizon, float* out) = 0;
  // Back to no observations.
  virtual void Reset() = 0;

  std::vector<uint8_t> SaveState() const;
  // Replaces the stream's state with a saved one, or leaves it unchanged and says why.
  Status RestoreState(const uint8_t* bytes, size_t size);

  uint64_t steps() const { return steps_; }
  bool has_day() const { return has_day_; }
  DayNumber last_day() const { return last_day_; }  // valid when has_day()

 protected:
  explicit SeriesStream(std::shared_ptr<StreamModel> model) : model_(std::move(model)) {}
  // Checks a step's value and date; on success *input_day is the observation's day (0 when
  // the stream has no dates).
  Status CheckStep(float value, const DayNumber* day, DayNumber* input_day) const;
  void CommitStep(const DayNumber* day, DayNumber input_day);
  Status CheckForecast(uint32_t horizon, const float* out) const;
  void ResetCounters();
  // The kind-specific payload of the state bytes, and how many floats it must hold.
  virtual void SavePayload(std::vector<float>* out) const = 0;
  virtual size_t PayloadSize(uint64_t steps) const = 0;
  virtual void RestorePayload(const float* values, size_t count) = 0;

  std::shared_ptr<StreamModel> model_;
  uint64_t steps_ = 0;
  bool has_day_ = false;
  DayNumber last_day_ = 0;
};

// The LSTM-state stream. kUnsupported for window-mean models (see the top of this file).
Result<std::unique_ptr<SeriesStream>> MakeLstmStream(std::shared_ptr<StreamModel> model);
// The ring-buffer window stream; any model.
Result<std::unique_ptr<SeriesStream>> MakeWindowStream(std::shared_ptr<StreamModel> model);

// State bytes layout constants (docs/streaming.md).
inline constexpr char kStreamStateMagic[4] = {'S', 'H', 'S', 'T'};
inline constexpr uint16_t kStreamStateVersion = 1;
inline constexpr size_t kStreamStateHeaderBytes = 32;
inline constexpr size_t kStreamStateTrailerBytes = 4;  // CRC32

}  // namespace shelfcast
