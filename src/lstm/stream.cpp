#include "lstm/stream.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/limits.h"
#include "format/crc32.h"
#include "format/reader.h"
#include "lstm/features.h"

// State bytes, version 1 (all little-endian):
//   0   4  magic "SHST"
//   4   2  version
//   6   1  stream kind (1 LSTM state, 2 window)
//   7   1  flags: bit 0 = the stream has a last day
//   8   8  model fingerprint (StreamModel::fingerprint)
//  16   8  steps since Reset()
//  24   4  last day (i32 day number; 0 without bit 0)
//  28   4  n: float count of the payload
//  32  4n  payload, float32: LSTM state: per LSTM layer h[units] then c[units];
//          window: the last min(steps, window) observations, oldest first
//  32+4n 4 CRC32 of bytes [0, 32 + 4n)

namespace shelfcast {
namespace {

constexpr uint8_t kFlagHasDay = 1;

// FNV-1a 64 over everything a Model holds (structure, normalisation, every stored tensor
// value), in a fixed order. Not WriteModel's bytes: that would link the writer and its
// encoders into the wasm runtime for one hash.
class Fnv1a64 {
 public:
  void Bytes(const void* data, size_t size) {
    const uint8_t* p = static_cast<const uint8_t*>(data);
    for (size_t i = 0; i < size; ++i) {
      h_ ^= p[i];
      h_ *= 0x100000001b3ull;
    }
  }
  void U32(uint32_t v) {
    uint8_t b[4];
    for (int i = 0; i < 4; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    Bytes(b, 4);
  }
  void F32(float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    U32(bits);
  }
  void Floats(const std::vector<float>& v) {
    U32(static_cast<uint32_t>(v.size()));
    for (float f : v) F32(f);
  }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 0xcbf29ce484222325ull;
};

uint64_t ModelFingerprint(const Model& m) {
  Fnv1a64 h;
  h.Bytes("shelfcast-model-v1", 18);
  for (uint32_t v : {m.window, m.horizon, uint32_t(m.norm), uint32_t(m.calendar), uint32_t(m.layers.size())}) h.U32(v);
  h.F32(m.norm_offset);
  h.F32(m.norm_scale);
  for (const Layer& l : m.layers) {
    for (uint32_t v : {uint32_t(l.kind), uint32_t(l.activation), uint32_t(l.recurrent_activation), l.inputs, l.units,
                       uint32_t(l.tensors.size())})
      h.U32(v);
    for (const Tensor& t : l.tensors) {
      for (uint32_t v : {uint32_t(t.role), uint32_t(t.encoding), t.rows, t.cols}) h.U32(v);
      h.Floats(t.dense);
      h.Floats(t.sparse_values);
      h.Floats(t.scales);
      h.U32(static_cast<uint32_t>(t.mask.size()));
      h.Bytes(t.mask.data(), t.mask.size());
      h.U32(static_cast<uint32_t>(t.q.size()));
      h.Bytes(t.q.data(), t.q.size());
    }
  }
  return h.value();
}

std::string Hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

void PutLE(uint64_t v, int bytes, uint8_t* out) {
  for (int i = 0; i < bytes; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint64_t GetLE(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

// The dates Forecaster accepts (lstm/forecaster.cpp), so both kinds of stream can hand
// their day to it.
bool DayInRange(DayNumber day) {
  static const DayNumber kFirst = DaysFromCivil(1900, 1, 1), kLast = DaysFromCivil(2199, 12, 31);
  return day >= kFirst && day <= kLast;
}

std::string NotEnoughDays(uint64_t steps, uint32_t window) {
  return "the stream has seen " + std::to_string(steps) + " of the " + std::to_string(window) +
         " days the model needs before it can forecast";
}

std::string KindWithArticle(StreamKind kind) {
  return kind == StreamKind::kLstmState ? "an LSTM-state stream" : "a window stream";
}

}  // namespace

const char* StreamKindName(StreamKind kind) {
  switch (kind) {
    case StreamKind::kLstmState: return "LSTM-state";
    case StreamKind::kWindow: return "window";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------
// StreamModel

Result<std::shared_ptr<StreamModel>> StreamModel::Create(Model model, const KernelOptions& options) {
  SHELFCAST_RETURN_IF_ERROR(ValidateModel(model));
  std::shared_ptr<StreamModel> sm(new StreamModel());
  sm->options_ = options;
  sm->fingerprint_ = ModelFingerprint(model);
  for (const Layer& layer : model.layers) {
    if (layer.kind != LayerKind::kLstm) continue;
    std::unique_ptr<LstmLayerRunner> runner;
    SHELFCAST_ASSIGN_OR_RETURN(runner, MakeLstmLayerRunner(layer, options));
    runner->Reset(1);
    sm->state_size_ += 2 * static_cast<size_t>(layer.units);
    sm->units_.push_back(layer.units);
    sm->lstm_.push_back(std::move(runner));
  }
  SHELFCAST_ASSIGN_OR_RETURN(DenseHead head, DenseHead::Make(model));
  sm->head_.reset(new DenseHead(std::move(head)));
  sm->model_ = std::move(model);
  return sm;
}

Result<std::shared_ptr<StreamModel>> StreamModel::Load(const uint8_t* bytes, size_t size,
                                                       const KernelOptions& options) {
  SHELFCAST_ASSIGN_OR_RETURN(Model model, ReadModel(bytes, size));
  return Create(std::move(model), options);
}

void StreamModel::SetRunnerState(const float* state) {
  for (size_t i = 0; i < lstm_.size(); ++i) {
    lstm_[i]->SetState(0, state);
    state += 2 * units_[i];
  }
}

void StreamModel::GetRunnerState(float* state) const {
  for (size_t i = 0; i < lstm_.size(); ++i) {
    lstm_[i]->GetState(0, state);
    state += 2 * units_[i];
  }
}

void StreamModel::Advance(const float* x) {
  const float* in = x;
  size_t in_stride = model_.input_features();
  for (auto& layer : lstm_) {
    layer->Step(1, in, in_stride);
    in = layer->h();
    in_stride = layer->h_stride();
  }
}

float StreamModel::Head() const { return head_->Run(lstm_.back()->h()); }

Result<Forecaster*> StreamModel::WindowForecaster() {
  if (!forecaster_) {
    SHELFCAST_ASSIGN_OR_RETURN(Forecaster f, Forecaster::Create(model_, options_));
    forecaster_.reset(new Forecaster(std::move(f)));
  }
  return forecaster_.get();
}

// ---------------------------------------------------------------------------------------
// SeriesStream: dates, counters and the state bytes shared by both kinds.

Status SeriesStream::CheckStep(float value, const DayNumber* day, DayNumber* input_day) const {
  // Built only on failure: a step must not allocate.
  const auto where = [this] { return "stream step " + std::to_string(steps_ + 1); };
  if (!std::isfinite(value)) return InvalidArgument(where() + ": value is not a finite number");
  *input_day = 0;
  if (day != nullptr) {
    if (!DayInRange(*day))
      return InvalidArgument(where() + ": day " + std::to_string(*day) + " is outside 1900-01-01..2199-12-31");
    if (has_day_ && *day != last_day_ + 1)
      return InvalidArgument(where() + ": date " + FormatIsoDate(*day) + " does not follow the previous step's " +
                             FormatIsoDate(last_day_) + " (a stream takes consecutive days; feed the days between)");
    *input_day = *day;
  } else if (has_day_) {
    if (!DayInRange(last_day_ + 1))
      return InvalidArgument(where() + ": the day after " + FormatIsoDate(last_day_) + " is past 2199-12-31");
    *input_day = last_day_ + 1;
  } else if (model_->model().calendar != kCalendarNone) {
    return InvalidArgument(where() + ": this model uses calendar features: give the date of the first observation");
  }
  return Status::Ok();
}

void SeriesStream::CommitStep(const DayNumber* day, DayNumber input_day) {
  ++steps_;
  if (day != nullptr || has_day_) {
    has_day_ = true;
    last_day_ = input_day;
  }
}

Status SeriesStream::CheckForecast(uint32_t horizon, const float* out) const {
  if (horizon < 1 || horizon > limits::kMaxHorizon)
    return InvalidArgument("horizon " + std::to_string(horizon) + " is outside 1.." +
                           std::to_string(limits::kMaxHorizon));
  if (out == nullptr) return InvalidArgument("missing output buffer");
  const uint32_t window = model_->model().window;
  if (steps_ < window) return InvalidArgument(NotEnoughDays(steps_, window));
  if (model_->model().calendar != kCalendarNone && !has_day_)
    return Internal("a calendar stream has observations but no date");
  if (has_day_ && !DayInRange(last_day_ + static_cast<DayNumber>(horizon)))
    return InvalidArgument("the forecast days after " + FormatIsoDate(last_day_) + " run past 2199-12-31");
  return Status::Ok();
}

void SeriesStream::ResetCounters() {
  steps_ = 0;
  has_day_ = false;
  last_day_ = 0;
}

std::vector<uint8_t> SeriesStream::SaveState() const {
  std::vector<float> payload;
  SavePayload(&payload);
  std::vector<uint8_t> out(kStreamStateHeaderBytes + 4 * payload.size() + kStreamStateTrailerBytes);
  uint8_t* p = out.data();
  std::memcpy(p, kStreamStateMagic, 4);
  PutLE(kStreamStateVersion, 2, p + 4);
  p[6] = static_cast<uint8_t>(kind());
  p[7] = has_day_ ? kFlagHasDay : 0;
  PutLE(model_->fingerprint(), 8, p + 8);
  PutLE(steps_, 8, p + 16);
  PutLE(static_cast<uint32_t>(has_day_ ? last_day_ : 0), 4, p + 24);
  PutLE(payload.size(), 4, p + 28);
  for (size_t i = 0; i < payload.size(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &payload[i], 4);
    PutLE(bits, 4, p + kStreamStateHeaderBytes + 4 * i);
  }
  const size_t body = out.size() - kStreamStateTrailerBytes;
  PutLE(Crc32(p, body), 4, p + body);
  return out;
}

Status SeriesStream::RestoreState(const uint8_t* bytes, size_t size) {
  constexpr size_t kMin = kStreamStateHeaderBytes + kStreamStateTrailerBytes;
  if (bytes == nullptr && size != 0) return InvalidArgument("no stream state bytes given");
  if (size < kMin)
    return InvalidData("stream state truncated: " + std::to_string(size) + " bytes, at least " +
                       std::to_string(kMin) + " needed");
  if (std::memcmp(bytes, kStreamStateMagic, 4) != 0)
    return InvalidData("not a shelfcast stream state (it does not start with 'SHST')");
  const uint64_t version = GetLE(bytes + 4, 2);
  if (version != kStreamStateVersion)
    return Unsupported("unsupported stream state version " + std::to_string(version) + " (this build reads version " +
                       std::to_string(kStreamStateVersion) + ")");
  const uint64_t count = GetLE(bytes + 28, 4);
  // count < 2^32, so 4 * count + kMin cannot overflow a 64-bit size.
  const uint64_t expected_size = kMin + 4 * count;
  if (size != expected_size)
    return InvalidData("stream state has " + std::to_string(size) + " bytes, its header promises " +
                       std::to_string(expected_size));
  const size_t body = size - kStreamStateTrailerBytes;
  if (Crc32(bytes, body) != GetLE(bytes + body, 4))
    return InvalidData("stream state checksum mismatch (the saved state is corrupt)");

  const uint8_t kind_byte = bytes[6];
  const uint8_t flags = bytes[7];
  if (kind_byte != static_cast<uint8_t>(kind())) {
    const bool known = kind_byte == static_cast<uint8_t>(StreamKind::kLstmState) ||
                       kind_byte == static_cast<uint8_t>(StreamKind::kWindow);
    return InvalidArgument("this state belongs to " +
                           (known ? KindWithArticle(static_cast<StreamKind>(kind_byte))
                                  : "an unknown kind of stream (" + std::to_string(kind_byte) + ")") +
                           ", not " + KindWithArticle(kind()));
  }
  if ((flags & ~kFlagHasDay) != 0) return InvalidData("stream state has unknown flags " + std::to_string(flags));
  const uint64_t fingerprint = GetLE(bytes + 8, 8);
  if (fingerprint != model_->fingerprint())
    return InvalidArgument("this state was saved from another model (model fingerprint " + Hex64(fingerprint) +
                           ", this model's is " + Hex64(model_->fingerprint()) + ")");
  const uint64_t steps = GetLE(bytes + 16, 8);
  const bool has_day = (flags & kFlagHasDay) != 0;
  const DayNumber day = static_cast<DayNumber>(static_cast<uint32_t>(GetLE(bytes + 24, 4)));
  if (has_day && !DayInRange(day))
    return InvalidData("stream state's last day " + std::to_string(day) + " is outside 1900-01-01..2199-12-31");
  if (!has_day && day != 0) return InvalidData("stream state has a last day but no flag for it");
  if (has_day && steps == 0) return InvalidData("stream state has a last day but no steps");
  if (!has_day && steps > 0 && model_->model().calendar != kCalendarNone)
    return InvalidData("stream state of a calendar model has steps but no last day");
  const size_t needed = PayloadSize(steps);
  if (count != needed)
    return InvalidData("stream state holds " + std::to_string(count) + " values, this model's " +
                       StreamKindName(kind()) + " stream needs " + std::to_string(needed));
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i) {
    const uint32_t bits = static_cast<uint32_t>(GetLE(bytes + kStreamStateHeaderBytes + 4 * i, 4));
    std::memcpy(&values[i], &bits, 4);
    if (!std::isfinite(values[i]))
      return InvalidData("stream state value " + std::to_string(i) + " is not a finite number");
  }
  RestorePayload(values.data(), values.size());
  steps_ = steps;
  has_day_ = has_day;
  last_day_ = has_day ? day : 0;
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------
// The two kinds.

namespace internal {

class LstmStream : public SeriesStream {
 public:
  explicit LstmStream(std::shared_ptr<StreamModel> model)
      : SeriesStream(std::move(model)),
        state_(model_->state_size(), 0.f),
        x_(model_->model().input_features(), 0.f),
        scale_(ScaleForWindow(model_->model(), nullptr, 0)) {}

  StreamKind kind() const override { return StreamKind::kLstmState; }

  // x = (value - offset) / scale and the calendar features of the day after the
  // observation, exactly as Forecaster feeds a window position (lstm/forecaster.cpp).
  Status Step(float value, const DayNumber* day) override {
    DayNumber input_day;
    SHELFCAST_RETURN_IF_ERROR(CheckStep(value, day, &input_day));
    x_[0] = scale_.Normalise(value);
    if (x_.size() > 1) WriteCalendarFeatures(model_->model().calendar, input_day, x_.data() + 1);
    model_->SetRunnerState(state_.data());
    model_->Advance(x_.data());
    model_->GetRunnerState(state_.data());
    CommitStep(day, input_day);
    return Status::Ok();
  }

  // As Forecaster's recursion after the window: the head's output is the first forecast,
  // and each normalised prediction is the next step's input. Runs on the shared runners
  // from a copy of the state, so the stream does not move.
  Status Forecast(uint32_t horizon, float* out) override {
    SHELFCAST_RETURN_IF_ERROR(CheckForecast(horizon, out));
    model_->SetRunnerState(state_.data());
    float y = model_->Head();
    out[0] = scale_.Denormalise(y);
    for (uint32_t k = 1; k < horizon; ++k) {
      x_[0] = y;
      if (x_.size() > 1)
        WriteCalendarFeatures(model_->model().calendar, last_day_ + static_cast<DayNumber>(k), x_.data() + 1);
      model_->Advance(x_.data());
      y = model_->Head();
      out[k] = scale_.Denormalise(y);
    }
    return Status::Ok();
  }

  void Reset() override {
    std::fill(state_.begin(), state_.end(), 0.f);
    ResetCounters();
  }

 protected:
  void SavePayload(std::vector<float>* out) const override { *out = state_; }
  size_t PayloadSize(uint64_t) const override { return state_.size(); }
  void RestorePayload(const float* values, size_t count) override { state_.assign(values, values + count); }

 private:
  std::vector<float> state_;  // per LSTM layer: h[units], c[units]
  std::vector<float> x_;
  WindowScale scale_;
};

class WindowStream : public SeriesStream {
 public:
  static Result<std::unique_ptr<SeriesStream>> Make(std::shared_ptr<StreamModel> model) {
    SHELFCAST_ASSIGN_OR_RETURN(Forecaster * forecaster, model->WindowForecaster());
    return std::unique_ptr<SeriesStream>(new WindowStream(std::move(model), forecaster));
  }

  WindowStream(std::shared_ptr<StreamModel> model, Forecaster* forecaster)
      : SeriesStream(std::move(model)),
        forecaster_(forecaster),
        ring_(model_->model().window, 0.f),
        window_(model_->model().window, 0.f) {}

  StreamKind kind() const override { return StreamKind::kWindow; }

  Status Step(float value, const DayNumber* day) override {
    DayNumber input_day;
    SHELFCAST_RETURN_IF_ERROR(CheckStep(value, day, &input_day));
    ring_[next_] = value;
    next_ = (next_ + 1) % ring_.size();
    CommitStep(day, input_day);
    return Status::Ok();
  }

  Status Forecast(uint32_t horizon, float* out) override {
    SHELFCAST_RETURN_IF_ERROR(CheckForecast(horizon, out));
    // The ring is full (steps >= window): its oldest value sits at next_.
    const size_t t = ring_.size();
    for (size_t i = 0; i < t; ++i) window_[i] = ring_[(next_ + i) % t];
    return forecaster_->Forecast(window_.data(), t, has_day_ ? last_day_ + 1 : 0, horizon, out);
  }

  void Reset() override {
    std::fill(ring_.begin(), ring_.end(), 0.f);
    next_ = 0;
    ResetCounters();
  }

 protected:
  void SavePayload(std::vector<float>* out) const override {
    const size_t t = ring_.size();
    const size_t n = PayloadSize(steps_);
    out->resize(n);
    // The last n values end just before next_.
    for (size_t i = 0; i < n; ++i) (*out)[i] = ring_[(next_ + t - n + i) % t];
  }
  size_t PayloadSize(uint64_t steps) const override {
    return steps < ring_.size() ? static_cast<size_t>(steps) : ring_.size();
  }
  void RestorePayload(const float* values, size_t count) override {
    std::fill(ring_.begin(), ring_.end(), 0.f);
    std::copy(values, values + count, ring_.begin());
    next_ = count % ring_.size();
  }

 private:
  Forecaster* forecaster_;  // owned by the StreamModel
  std::vector<float> ring_;
  std::vector<float> window_;
  size_t next_ = 0;  // where the next observation goes
};

}  // namespace internal

Result<std::unique_ptr<SeriesStream>> MakeLstmStream(std::shared_ptr<StreamModel> model) {
  if (!model) return InvalidArgument("no stream model given");
  const Model& m = model->model();
  if (m.norm != NormKind::kGlobal)
    return Unsupported(
        "this model normalises each window by its own mean (window-mean): every new day changes the scale of "
        "all the inputs before it, so the LSTM state cannot be carried forward one step at a time; use a "
        "window stream, which keeps the last " +
        std::to_string(m.window) + " days and re-runs the window for each forecast");
  return std::unique_ptr<SeriesStream>(new internal::LstmStream(std::move(model)));
}

Result<std::unique_ptr<SeriesStream>> MakeWindowStream(std::shared_ptr<StreamModel> model) {
  if (!model) return InvalidArgument("no stream model given");
  return internal::WindowStream::Make(std::move(model));
}

}  // namespace shelfcast
