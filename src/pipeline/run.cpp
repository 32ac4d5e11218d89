#include "pipeline/run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <set>

#include "compress/compress.h"
#include "compress/prune.h"
#include "core/date.h"
#include "core/file.h"
#include "core/limits.h"
#include "data/csv.h"
#include "eval/evaluate.h"
#include "eval/protocol.h"
#include "format/crc32.h"
#include "format/reader.h"
#include "lstm/forecaster.h"
#include "pipeline/config.h"
#include "pipeline/generations.h"
#include "pipeline/manifest.h"
#include "pipeline/report.h"
#include "train/network.h"
#include "train/trainer.h"

namespace shelfcast::pipeline {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

template <typename T>
T Must(Result<T> r, const std::string& context) {
  if (!r.ok()) throw PipelineError(context + ": " + r.status().message());
  return std::move(r).value();
}

std::vector<uint8_t> ReadBytes(const std::string& path, size_t max_bytes, const char* what) {
  Result<std::vector<uint8_t>> bytes = ReadFileBytes(path, max_bytes);
  if (!bytes.ok()) throw PipelineError(std::string(what) + " " + path + ": " + bytes.status().message());
  return std::move(bytes).value();
}

Json ReadJson(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadBytes(path, limits::kMaxModelBytes, "previous set:");
  try {
    return Json::parse(bytes.begin(), bytes.end());
  } catch (const Json::exception& e) {
    throw PipelineError(path + ": not valid JSON (" + e.what() + ")");
  }
}

// One model of this run.
struct Built {
  std::string name, technique, source;  // source: "" for trained models
  Model float_model;                    // f32 weights (what a later stage starts from)
  Model model;                          // as shipped (encodings chosen)
  std::vector<uint8_t> bytes;
  Metrics test;
  bool warm = false;
  std::string warm_from, cold_reason;
  Json epochs = nullptr, max_epochs = nullptr;
  double train_seconds = 0;
  Json train_report = Json::object();  // for the manifest row
  // Gate.
  Json budget = nullptr;
  bool shipped = true;
  std::string reason;
};

// A model of the previous shipped set.
struct Previous {
  std::string name, file;
  Json row;
};

class Run {
 public:
  explicit Run(const PipelineOptions& o) : o_(o) {}
  PipelineOutcome Go();

 private:
  const PipelineOptions& o_;
  PipelineConfig c_;
  std::vector<uint8_t> config_bytes_, data_bytes_;
  SalesData data_;
  ProtocolOptions protocol_;
  std::map<uint32_t, ProtocolSplit> splits_;  // by window
  std::string previous_dir_;
  int previous_generation_ = 0;
  std::map<std::string, Previous> previous_;
  Json previous_report_ = nullptr;
  std::vector<Built> built_;
  Json stages_ = Json::array();
  int stage_ = 0;
  static constexpr int kStages = 6;

  void Log(const std::string& line) const {
    if (o_.log) o_.log(line);
  }
  void Stage(const std::string& what) { Log(StrFormat("[%d/%d] %s", ++stage_, kStages, what.c_str())); }
  void CheckStop(const std::string& where) const {
    if (o_.stop && o_.stop->load())
      throw PipelineError("interrupted " + where + "; nothing shipped" + ShippedNote());
  }
  std::string ShippedNote() const {
    return previous_generation_ ? StrFormat(", %s still holds generation %d", o_.out.c_str(), previous_generation_)
                                : std::string();
  }
  const ProtocolSplit& SplitFor(uint32_t window);
  void ChooseHoldout();
  void LoadPrevious(const Generations& g);
  const Model* PreviousModel(const std::string& name, std::unique_ptr<Model>* holder);
  void Encode(Built* b);
  Built TrainLstm(const std::string& name, const std::string& technique, uint32_t hidden);
  Built PruneVariant(const VariantConfig& v, const Built& source);
  Built QuantizeVariant(const VariantConfig& v, const Built& source);
  Json Report(int generation);
};

const ProtocolSplit& Run::SplitFor(uint32_t window) {
  auto it = splits_.find(window);
  if (it != splits_.end()) return it->second;
  ProtocolOptions p = protocol_;
  p.window = window;
  return splits_.emplace(window, Must(MakeProtocolSplit(data_, p), o_.data)).first->second;
}

// The latest holdout: the last test_days days that every selected series covers
// (or test_from..test_to), validation the validation_days before.
void Run::ChooseHoldout() {
  protocol_ = ProtocolOptions{};
  protocol_.window = c_.window;
  protocol_.validation_days = c_.validation_days;
  std::vector<const Series*> selected;
  if (data_.format == SalesFormat::kStoreItem) {
    if (c_.stores.empty()) {
      std::set<int32_t> stores, items;
      for (const Series& s : data_.series) {
        stores.insert(s.store);
        items.insert(s.item);
      }
      protocol_.stores.assign(stores.begin(), stores.end());
      protocol_.items.assign(items.begin(), items.end());
    } else {
      protocol_.stores = c_.stores;
      protocol_.items = c_.items;
    }
    for (const Series& s : data_.series)
      if (std::count(protocol_.stores.begin(), protocol_.stores.end(), s.store) &&
          std::count(protocol_.items.begin(), protocol_.items.end(), s.item))
        selected.push_back(&s);
  } else {
    protocol_.stores.clear();
    protocol_.items.clear();
    for (const Series& s : data_.series) selected.push_back(&s);
  }
  if (selected.empty()) throw PipelineError(o_.data + ": no series of the file matches holdout.stores / holdout.items");
  if (c_.test_from) {
    protocol_.test_first = *c_.test_from;
    protocol_.test_last = *c_.test_to;
  } else {
    DayNumber last = std::numeric_limits<DayNumber>::max();
    for (const Series* s : selected) last = std::min(last, s->last_day());
    protocol_.test_last = last;
    if (c_.test_days > 0) {
      protocol_.test_first = last - static_cast<DayNumber>(c_.test_days) + 1;
    } else {
      // The last year: from the day after the same date a year earlier (29 Feb: the 28th).
      const CivilDate d = CivilFromDays(last);
      protocol_.test_first = DaysFromCivil(d.year - 1, d.month, d.month == 2 && d.day == 29 ? 28 : d.day) + 1;
    }
  }
  const DayNumber validation_first = protocol_.test_first - static_cast<DayNumber>(c_.validation_days);
  for (const Series* s : selected)
    if (validation_first - s->first_day < static_cast<DayNumber>(c_.window) + 1)
      throw PipelineError(StrFormat("%s: %s has %zu days (%s..%s): too few for a window of %u days before one training "
                              "day, %u validation days and the test period %s..%s (config: holdout)",
                              o_.data.c_str(), s->key.c_str(), s->values.size(), FormatIsoDate(s->first_day).c_str(),
                              FormatIsoDate(s->last_day()).c_str(), c_.window, c_.validation_days,
                              FormatIsoDate(protocol_.test_first).c_str(), FormatIsoDate(protocol_.test_last).c_str()));
}

void Run::LoadPrevious(const Generations& g) {
  previous_generation_ = g.current();
  if (!previous_generation_) return;
  previous_dir_ = g.current_dir();
  const fs::path dir(previous_dir_);
  if (fs::exists(dir / "report.json")) previous_report_ = ReadJson((dir / "report.json").string());
  const Json manifest = ReadJson((dir / "manifest.json").string());
  if (!manifest.contains("models") || !manifest["models"].is_array())
    throw PipelineError((dir / "manifest.json").string() + ": no \"models\" list");
  for (const Json& row : manifest["models"]) {
    if (!row.contains("name") || !row["name"].is_string() || !row.contains("file") || !row["file"].is_string())
      throw PipelineError((dir / "manifest.json").string() + ": a model row without \"name\" and \"file\"");
    previous_[row["name"].get<std::string>()] = {row["name"].get<std::string>(),
                                                  (dir / row["file"].get<std::string>()).string(), row};
  }
}

const Model* Run::PreviousModel(const std::string& name, std::unique_ptr<Model>* holder) {
  auto it = previous_.find(name);
  if (it == previous_.end()) return nullptr;
  const std::vector<uint8_t> bytes = ReadBytes(it->second.file, limits::kMaxModelBytes, "previous model");
  *holder = std::make_unique<Model>(Must(ReadModel(bytes.data(), bytes.size()), it->second.file));
  return holder->get();
}

// The file bytes, and the test metrics of the file read back and run by the runtime.
void Run::Encode(Built* b) {
  b->bytes = Must(WriteModel(b->model), b->name);
  Model back = Must(ReadModel(b->bytes.data(), b->bytes.size()), b->name);
  Forecaster f = Must(Forecaster::Create(std::move(back)), b->name);
  b->test = Must(EvaluateModel(f, SplitFor(b->model.window).test), b->name).pooled;
}

// Why a previous model cannot be a starting point for `fresh` ("" when it can).
std::string Incompatible(const Model& previous, const Model& fresh) {
  if (previous.window != fresh.window) return StrFormat("window %u -> %u", previous.window, fresh.window);
  if (previous.calendar != fresh.calendar) return "calendar inputs changed";
  if (previous.norm != fresh.norm)
    return StrFormat("normalisation %s -> %s", NormKindName(previous.norm), NormKindName(fresh.norm));
  if (previous.layers.size() != fresh.layers.size()) return "layers changed";
  for (size_t l = 0; l < fresh.layers.size(); ++l) {
    const Layer& a = previous.layers[l];
    const Layer& b = fresh.layers[l];
    if (a.kind != b.kind || a.units != b.units || a.inputs != b.inputs)
      return StrFormat("layer %zu: %u -> %u units", l, a.units, b.units);
  }
  return "";
}

Built Run::TrainLstm(const std::string& name, const std::string& technique, uint32_t hidden) {
  const ProtocolSplit& split = SplitFor(c_.window);
  Built b;
  b.name = name;
  b.technique = technique;
  Model init = MakeLstmForecaster(hidden, c_.window, c_.calendar);
  std::unique_ptr<Model> holder;
  const Model* previous = PreviousModel(name, &holder);
  train::TrainOptions o = c_.train;
  if (previous) {
    Model probe = init;
    probe.norm = c_.norm;
    b.cold_reason = Incompatible(*previous, probe);
    if (b.cold_reason.empty()) {
      // The previous weights AND their normalisation: the weights were learned in those
      // units. Dense f32 (a previous file may store them in any encoding).
      init = *previous;
      train::StoreParameters(train::FlattenParameters(*previous), &init);
      b.warm = true;
      b.warm_from = StrFormat("generation %d: %s", previous_generation_, fs::path(previous_.at(name).file).filename().c_str());
      o.epochs = c_.warm_start_epochs;
      o.learning_rate = c_.warm_start_lr;
      o.warmup_epochs = 0;
    } else {
      b.cold_reason = "the previous " + name + " does not fit the config (" + b.cold_reason + ")";
    }
  } else {
    b.cold_reason = previous_generation_ ? "no " + name + " in the previous set" : "first run";
  }
  if (!b.warm) {
    train::InitializeModel(&init, o.seed);
    if (c_.norm == NormKind::kGlobal) SetGlobalNormalisation(FitGlobalNormalisation(split.train), &init);
    else SetWindowMeanNormalisation(&init);
  }
  Log(StrFormat("  %s: LSTM(%u) window %u, %s, up to %u epochs, lr %g: %zu training / %zu validation windows", name.c_str(),
          hidden, c_.window, b.warm ? ("warm start from " + b.warm_from).c_str() : ("cold start: " + b.cold_reason).c_str(),
          o.epochs, o.learning_rate, split.train.size(), split.validation.size()));
  train::TrainResult r;
  try {
    train::Trainer trainer(init, split.train, split.validation, o);
    r = trainer.Fit(
        [&](const train::EpochReport& e) {
          Log(StrFormat("  %s epoch %3u/%u  train %.5f  val %.5f  val MAPE %6.3f %%  %5.1f s%s", name.c_str(), e.epoch,
                  e.epochs, e.train_loss, e.val_loss, e.val_mape, e.seconds, e.best ? "  *" : ""));
        },
        o_.stop);
  } catch (const std::invalid_argument& e) {
    throw PipelineError(name + ": " + e.what());
  }
  if (r.interrupted) throw PipelineError("interrupted while training " + name + "; nothing shipped" + ShippedNote());
  b.float_model = r.model;
  b.model = r.model;
  b.epochs = r.history.size();
  b.max_epochs = o.epochs;
  b.train_seconds = r.seconds;
  b.train_report = {{"train_seconds", r.seconds},
                    {"epochs", r.history.size()},
                    {"seconds_per_epoch", r.history.empty() ? 0.0 : r.seconds / r.history.size()}};
  Encode(&b);
  return b;
}

Built Run::PruneVariant(const VariantConfig& v, const Built& source) {
  const ProtocolSplit& split = SplitFor(source.model.window);
  Built b;
  b.name = v.name;
  b.technique = "pruning";
  b.source = v.source;
  compress::PruneOptions po;
  po.final_sparsity = v.sparsity;
  po.prune_epochs = v.prune_epochs;
  po.train = c_.train;
  po.train.epochs = v.finetune_epochs;
  po.train.learning_rate = v.prune_lr;
  po.train.warmup_epochs = 0;
  Model start = source.float_model;
  std::unique_ptr<Model> holder;
  const Model* previous = PreviousModel(v.name, &holder);
  if (previous) {
    b.cold_reason = Incompatible(*previous, source.float_model);
    const Json& row = previous_.at(v.name).row;
    const double previous_sparsity = row.contains("sparsity") && row["sparsity"].is_number() ? row["sparsity"].get<double>() : -1;
    if (b.cold_reason.empty() && std::fabs(previous_sparsity - v.sparsity) > 0.005)
      b.cold_reason = StrFormat("sparsity %.3f -> %.3f", previous_sparsity, v.sparsity);
    if (b.cold_reason.empty()) {
      // Already at its sparsity: the magnitude mask keeps exactly its zeros; fine-tune only.
      start = *previous;
      train::StoreParameters(train::FlattenParameters(*previous), &start);
      b.warm = true;
      b.warm_from = StrFormat("generation %d: %s", previous_generation_, fs::path(previous_.at(v.name).file).filename().c_str());
      po.schedule = compress::PruneSchedule::kOneShot;
      po.prune_epochs = 0;
      po.train.epochs = c_.warm_start_epochs;
      po.train.learning_rate = c_.warm_start_lr;
    } else {
      b.cold_reason = "the previous " + v.name + " does not fit the config (" + b.cold_reason + ")";
    }
  } else {
    b.cold_reason = previous_generation_ ? "no " + v.name + " in the previous set" : "first run";
  }
  const uint32_t prune_epochs = po.schedule == compress::PruneSchedule::kOneShot ? 0 : po.prune_epochs;
  Log(StrFormat("  %s: prune %s to %.0f %%, %s, %u prune + up to %u fine-tune epochs", v.name.c_str(),
          b.warm ? v.name.c_str() : v.source.c_str(), v.sparsity * 100,
          b.warm ? ("warm start from " + b.warm_from).c_str() : ("cold start: " + b.cold_reason).c_str(), prune_epochs,
          po.train.epochs));
  compress::PruneResult r;
  try {
    r = compress::Prune(start, split.train, split.validation, po,
                        [&](const compress::PruneEpoch& e) {
                          Log(StrFormat("  %s %-9s epoch %3u  sparsity %5.1f %%  train %.5f  val MAPE %6.3f %%  %5.1f s",
                                  v.name.c_str(), e.phase.c_str(), e.epoch, e.sparsity * 100, e.train_loss, e.val_mape,
                                  e.seconds));
                        },
                        o_.stop);
  } catch (const std::invalid_argument& e) {
    throw PipelineError(v.name + ": " + e.what());
  }
  if (r.interrupted) throw PipelineError("interrupted while pruning " + v.name + "; nothing shipped" + ShippedNote());
  b.float_model = r.model;
  b.model = r.model;
  SparsifyWhenSmaller(&b.model);  // pruned matrices as sparse-f32 (bitmask + non-zeros)
  b.epochs = r.epochs;
  b.max_epochs = prune_epochs + po.train.epochs;
  b.train_seconds = r.seconds;
  Json groups = Json::array();
  for (size_t g = 0; g < r.groups.size(); ++g)
    groups.push_back({{"group", r.groups[g].name}, {"weights", r.groups[g].indices.size()},
                      {"sparsity", r.group_sparsity[g]}});
  b.train_report = {{"train_seconds", r.seconds},
                    {"epochs", r.epochs},
                    {"seconds_per_epoch", r.epochs ? r.seconds / r.epochs : 0.0},
                    {"groups", groups},
                    {"source_model", b.warm ? v.name : v.source}};
  Encode(&b);
  return b;
}

Built Run::QuantizeVariant(const VariantConfig& v, const Built& source) {
  Built b;
  b.name = v.name;
  b.technique = TechniqueName(v.technique);
  b.source = v.source;
  b.cold_reason = "no training: int8 of this run's " + v.source;
  QuantizeOptions q;  // dynamic int8, sparse encodings where smaller (pruned sources)
  b.float_model = source.float_model;
  b.model = Must(QuantizeInt8(source.float_model, q), v.name);
  b.train_report = {{"source_model", v.source}};
  Encode(&b);
  Log(StrFormat("  %s: int8 of %s, %zu bytes", v.name.c_str(), v.source.c_str(), b.bytes.size()));
  return b;
}

Json HoldoutJson(const ProtocolOptions& p, const ProtocolSplit& split, const std::string& rule) {
  return {{"rule", rule},
          {"test_from", FormatIsoDate(p.test_first)},
          {"test_to", FormatIsoDate(p.test_last)},
          {"validation_from", FormatIsoDate(p.test_first - static_cast<DayNumber>(p.validation_days))},
          {"validation_days", p.validation_days},
          {"training_windows", split.train.size()},
          {"validation_windows", split.validation.size()},
          {"test_windows", split.test.size()}};
}

PipelineOutcome Run::Go() {
  const auto start = Clock::now();
  auto t = Clock::now();
  const auto end_stage = [&](const char* name) {
    stages_.push_back({{"stage", name}, {"seconds", Since(t)}});
    t = Clock::now();
  };
  Stage("config and data");
  config_bytes_ = ReadBytes(o_.config, 1u << 20, "config");
  c_ = ParsePipelineConfig(std::string(config_bytes_.begin(), config_bytes_.end()));
  data_bytes_ = ReadBytes(o_.data, limits::kMaxCsvBytes, "data");
  const uint32_t data_crc = Crc32(data_bytes_.data(), data_bytes_.size());
  const uint32_t config_crc = Crc32(config_bytes_.data(), config_bytes_.size());

  Generations generations(o_.out);
  LoadPrevious(generations);
  if (!o_.force && previous_report_.is_object()) {
    const Json& d = previous_report_.value("data", Json());
    const Json& cf = previous_report_.value("config", Json());
    if (d.is_object() && cf.is_object() && d.value("crc32", 0u) == data_crc && d.value("bytes", size_t{0}) == data_bytes_.size() &&
        cf.value("crc32", 0u) == config_crc && cf.value("bytes", size_t{0}) == config_bytes_.size()) {
      Log(StrFormat("up to date: %s and %s are the data and config of generation %d (%s); nothing to do (--force retrains)",
              o_.data.c_str(), o_.config.c_str(), previous_generation_, previous_dir_.c_str()));
      PipelineOutcome out;
      out.up_to_date = true;
      out.generation = previous_generation_;
      out.dir = previous_dir_;
      out.report = previous_report_;
      return out;
    }
  }

  data_ = Must(ParseSalesCsv(std::string_view(reinterpret_cast<const char*>(data_bytes_.data()), data_bytes_.size())),
               o_.data);
  ChooseHoldout();
  const ProtocolSplit& split = SplitFor(c_.window);
  DayNumber first = std::numeric_limits<DayNumber>::max(), last = std::numeric_limits<DayNumber>::min();
  for (const Series& s : data_.series) {
    first = std::min(first, s.first_day);
    last = std::max(last, s.last_day());
  }
  Log(StrFormat("  %s: %zu series, %s..%s; holdout: test %s..%s, validation %u days before; %zu training / %zu "
          "validation / %zu test windows",
          o_.data.c_str(), data_.series.size(), FormatIsoDate(first).c_str(), FormatIsoDate(last).c_str(),
          FormatIsoDate(protocol_.test_first).c_str(), FormatIsoDate(protocol_.test_last).c_str(),
          protocol_.validation_days, split.train.size(), split.validation.size(), split.test.size()));
  Log(previous_generation_ ? StrFormat("  previous shipped set: generation %d (%s), %zu models", previous_generation_,
                                 previous_dir_.c_str(), previous_.size())
                           : std::string("  no previous shipped set: cold start"));
  end_stage("config and data");
  CheckStop("before training");

  Stage("baseline " + c_.baseline_name);
  built_.push_back(TrainLstm(c_.baseline_name, "baseline", c_.hidden));
  Log(StrFormat("  %s: test MAPE %.3f %%", c_.baseline_name.c_str(), built_[0].test.mape));
  end_stage("baseline");

  Stage(StrFormat("variants (%zu)", c_.variants.size()));
  for (const VariantConfig& v : c_.variants) {
    CheckStop("before " + v.name);
    const Built* source = nullptr;
    for (const Built& b : built_)
      if (b.name == v.source) source = &b;
    Built b;
    switch (v.technique) {
      case Technique::kSizing: b = TrainLstm(v.name, "sizing", v.hidden); break;
      case Technique::kPruning: b = PruneVariant(v, *source); break;
      case Technique::kInt8:
      case Technique::kStacked: b = QuantizeVariant(v, *source); break;
    }
    Log(StrFormat("  %s: test MAPE %.3f %%", v.name.c_str(), b.test.mape));
    built_.push_back(std::move(b));
  }
  end_stage("variants");
  CheckStop("before the gate");

  Stage("evaluate the previous set on the new holdout");
  std::map<std::string, double> before;
  for (const auto& [name, p] : previous_) {
    std::unique_ptr<Model> holder;
    const Model* m = PreviousModel(name, &holder);
    Forecaster f = Must(Forecaster::Create(*m), p.file);
    before[name] = Must(EvaluateModel(f, SplitFor(m->window).test), p.file).pooled.mape;
    Log(StrFormat("  %s (generation %d): test MAPE %.3f %% on the new holdout", name.c_str(), previous_generation_,
            before[name]));
  }
  if (previous_.empty()) Log("  none");
  end_stage("previous set");

  Stage(StrFormat("quality gate: budget %+.2f points over the baseline's MAPE", c_.max_mape_increase));
  const double base = built_[0].test.mape;
  for (size_t i = 1; i < built_.size(); ++i) {
    Built& b = built_[i];
    const double budget = BudgetOf(c_, c_.variants[i - 1]);
    b.budget = budget;
    b.shipped = b.test.mape - base <= budget;
    if (!b.shipped) b.reason = RejectionReason(b.test.mape, base, budget);
    Log(StrFormat("  %-24s MAPE %7.3f %%  %+6.2f points  budget %+6.2f  %s", b.name.c_str(), b.test.mape, b.test.mape - base,
            budget, b.shipped ? "ships" : ("REJECTED: " + b.reason).c_str()));
  }
  end_stage("gate");
  CheckStop("before writing");

  Stage(StrFormat("write generation %d and switch %s", generations.next(), o_.out.c_str()));
  const std::string work = generations.Begin();
  Json source = {{"file", o_.data},
                 {"bytes", data_bytes_.size()},
                 {"crc32", data_crc},
                 {"first_day", FormatIsoDate(first)},
                 {"last_day", FormatIsoDate(last)},
                 {"series", data_.series.size()}};
  Json manifest;
  try {
    manifest = NewManifestForData(data_, protocol_, split.test, source, c_.baseline_name);
  } catch (const std::runtime_error& e) {
    throw PipelineError(std::string("trivial baselines: ") + e.what());
  }
  for (const Built& b : built_) {
    if (!b.shipped) continue;
    const std::string file = b.name + ".shcf";
    const Status st = WriteFileAtomic((fs::path(work) / file).string(), b.bytes.data(), b.bytes.size());
    if (!st.ok()) throw PipelineError(st.message());
    ModelRowInput in;
    in.name = b.name;
    in.file = file;
    in.technique = b.technique;
    in.model = &b.model;
    in.file_bytes = b.bytes.size();
    in.metrics = b.test;
    in.train_report = b.train_report;
    in.notes = "shelfcast pipeline generation " + std::to_string(generations.next()) + ", " +
               (b.warm ? "warm start from " + b.warm_from : b.cold_reason);
    UpsertModel(&manifest, ModelRow(manifest, in));
  }
  Json report = Report(generations.next());
  report["data"] = source;
  report["config"] = {{"file", o_.config}, {"bytes", config_bytes_.size()}, {"crc32", config_crc}};
  for (Json& m : report["models"]) {
    const std::string name = m["name"].get<std::string>();
    auto it = before.find(name);
    m["previous_mape"] = it == before.end() ? Json() : Json(it->second);
    m["mape_change"] = it == before.end() ? Json() : Json(m["mape"].get<double>() - it->second);
  }
  Json dropped = Json::array();
  for (const auto& [name, mape] : before) {
    bool present = false;
    for (const Built& b : built_) present = present || b.name == name;
    if (!present) dropped.push_back({{"name", name}, {"previous_mape", mape}});
  }
  report["previous_only"] = dropped;
  end_stage("write");
  report["stages"] = stages_;
  report["seconds"] = Since(start);
  for (const auto& [name, text] :
       {std::pair<const char*, std::string>{"manifest.json", manifest.dump(2) + "\n"},
        {"report.json", report.dump(2) + "\n"}, {"report.md", RenderReportMarkdown(report)}}) {
    const Status st = WriteFileAtomic((fs::path(work) / name).string(), text);
    if (!st.ok()) throw PipelineError(st.message());
  }
  CheckStop("before the switch");
  generations.Commit();
  size_t shipped = 0;
  for (const Built& b : built_) shipped += b.shipped;
  Log(StrFormat("  %s -> %s: %zu of %zu models shipped, report %s/report.md", o_.out.c_str(), generations.current_dir().c_str(),
          shipped, built_.size(), o_.out.c_str()));
  PipelineOutcome out;
  out.generation = generations.current();
  out.dir = generations.current_dir();
  out.report = std::move(report);
  return out;
}

Json Run::Report(int generation) {
  Json r;
  r["schema"] = 1;
  r["generation"] = generation;
  r["previous_generation"] = previous_generation_ ? Json(previous_generation_) : Json();
  r["force"] = o_.force;
  const std::string rule = c_.test_from        ? "test_from..test_to of the config"
                           : c_.test_days > 0 ? StrFormat("the last %u days every selected series covers", c_.test_days)
                                              : std::string("the last year every selected series covers");
  r["holdout"] = HoldoutJson(protocol_, SplitFor(c_.window), rule);
  r["previous_holdout"] = previous_report_.is_object() ? previous_report_.value("holdout", Json()) : Json();
  r["previous_data"] = previous_report_.is_object() ? previous_report_.value("data", Json()) : Json();
  r["warm_start"] = built_[0].warm;
  r["baseline"] = built_[0].name;
  r["baseline_mape"] = built_[0].test.mape;
  r["gate"] = {{"max_mape_increase", c_.max_mape_increase}};
  r["training"] = {{"epochs", c_.train.epochs}, {"warm_start_epochs", c_.warm_start_epochs}};
  Json models = Json::array(), shipped = Json::array(), rejected = Json::array();
  for (const Built& b : built_) {
    const ModelFacts facts = FactsOf(b.model);
    Json m = {{"name", b.name},
              {"technique", b.technique},
              {"source", b.source.empty() ? Json() : Json(b.source)},
              {"status", b.technique == "baseline" ? "baseline" : b.shipped ? "shipped" : "rejected"},
              {"mape", b.test.mape},
              {"smape", b.test.smape},
              {"wape", b.test.wape},
              {"mae", b.test.mae},
              {"rmse", b.test.rmse},
              {"delta_mape_vs_baseline", b.test.mape - built_[0].test.mape},
              {"budget", b.budget},
              {"reason", b.shipped ? Json() : Json(b.reason)},
              {"file", b.shipped ? Json(b.name + ".shcf") : Json()},
              {"file_bytes", b.bytes.size()},
              {"parameters", facts.parameters},
              {"nonzero_parameters", facts.nonzero_parameters},
              {"precision", facts.precision},
              {"warm_start", b.warm},
              {"warm_start_from", b.warm ? Json(b.warm_from) : Json()},
              {"cold_start_reason", b.warm ? Json() : Json(b.cold_reason)},
              {"epochs", b.epochs},
              {"max_epochs", b.max_epochs},
              {"train_seconds", b.train_seconds}};
    models.push_back(m);
    if (b.shipped) shipped.push_back(b.name);
    else rejected.push_back({{"name", b.name}, {"reason", b.reason}});
  }
  r["models"] = models;
  r["shipped"] = shipped;
  r["rejected"] = rejected;
  return r;
}

}  // namespace

PipelineOutcome RunPipeline(const PipelineOptions& options) { return Run(options).Go(); }

}  // namespace shelfcast::pipeline
