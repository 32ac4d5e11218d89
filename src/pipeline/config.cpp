#include "pipeline/config.h"

#include <cmath>
#include <initializer_list>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "eval/protocol.h"

namespace shelfcast::pipeline {
namespace {

using Json = nlohmann::json;

[[noreturn]] void Fail(const std::string& key, const std::string& problem) {
  throw ConfigError("config: " + key + ": " + problem);
}

std::string Shown(const Json& v) {
  std::string s = v.dump();
  return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

// An object whose keys must all be in `known`.
const Json& Object(const Json& v, const std::string& key, std::initializer_list<const char*> known) {
  if (!v.is_object()) Fail(key.empty() ? "(top level)" : key, "expected an object {...}, got " + Shown(v));
  for (auto it = v.begin(); it != v.end(); ++it) {
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok) {
      std::string list;
      for (const char* k : known) list += std::string(list.empty() ? "" : ", ") + k;
      Fail((key.empty() ? "" : key + ".") + it.key(), "unknown key (known: " + list + ")");
    }
  }
  return v;
}

uint64_t Whole(const Json& v, const std::string& key, uint64_t lo, uint64_t hi) {
  if (!v.is_number_integer() || (v.is_number_integer() && !v.is_number_unsigned() && v.get<int64_t>() < 0) ||
      v.get<uint64_t>() < lo || v.get<uint64_t>() > hi)
    Fail(key, "expected a whole number in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got " + Shown(v));
  return v.get<uint64_t>();
}

double Number(const Json& v, const std::string& key, double lo, double hi, bool lo_open = false) {
  const double x = v.is_number() ? v.get<double>() : std::numeric_limits<double>::quiet_NaN();
  if (!v.is_number() || !std::isfinite(x) || x > hi || (lo_open ? x <= lo : x < lo)) {
    char range[96];
    std::snprintf(range, sizeof range, "%s%g, %g]", lo_open ? "(" : "[", lo, hi);
    Fail(key, std::string("expected a number in ") + range + ", got " + Shown(v));
  }
  return x;
}

std::string Text(const Json& v, const std::string& key) {
  if (!v.is_string()) Fail(key, "expected a string, got " + Shown(v));
  return v.get<std::string>();
}

std::vector<int32_t> Ids(const Json& v, const std::string& key) {
  if (v.is_string()) {
    Result<std::vector<int32_t>> ids = ParseIdRanges(v.get<std::string>());
    if (!ids.ok()) Fail(key, ids.status().message());
    return std::move(ids).value();
  }
  if (!v.is_array() || v.empty()) Fail(key, "expected ids like \"1-5\" or [1, 3], got " + Shown(v));
  std::vector<int32_t> ids;
  for (size_t i = 0; i < v.size(); ++i)
    ids.push_back(static_cast<int32_t>(Whole(v[i], key + "[" + std::to_string(i) + "]", 1, 2147483647)));
  return ids;
}

DayNumber Date(const Json& v, const std::string& key) {
  DayNumber d = 0;
  if (!v.is_string() || !ParseIsoDate(v.get<std::string>(), &d)) Fail(key, "expected a YYYY-MM-DD date, got " + Shown(v));
  return d;
}

void ParseBaseline(const Json& b, PipelineConfig* c) {
  Object(b, "baseline", {"name", "hidden", "window", "calendar", "norm"});
  if (b.contains("name")) c->baseline_name = Text(b["name"], "baseline.name");
  if (b.contains("hidden")) c->hidden = static_cast<uint32_t>(Whole(b["hidden"], "baseline.hidden", 1, 512));
  if (b.contains("window")) c->window = static_cast<uint32_t>(Whole(b["window"], "baseline.window", 1, 1024));
  if (b.contains("calendar")) {
    const Json& cal = b["calendar"];
    if (!cal.is_array()) Fail("baseline.calendar", "expected a list of \"dow\" and/or \"month\", got " + Shown(cal));
    c->calendar = kCalendarNone;
    for (size_t i = 0; i < cal.size(); ++i) {
      const std::string key = "baseline.calendar[" + std::to_string(i) + "]";
      const std::string name = Text(cal[i], key);
      if (name == "dow") c->calendar |= kCalendarDayOfWeek;
      else if (name == "month") c->calendar |= kCalendarMonth;
      else Fail(key, "expected \"dow\" or \"month\", got " + Shown(cal[i]));
    }
  }
  if (b.contains("norm")) {
    const std::string n = Text(b["norm"], "baseline.norm");
    if (n == "global") c->norm = NormKind::kGlobal;
    else if (n == "window-mean") c->norm = NormKind::kWindowMean;
    else Fail("baseline.norm", "expected \"global\" or \"window-mean\", got " + Shown(b["norm"]));
  }
}

void ParseTraining(const Json& t, PipelineConfig* c) {
  Object(t, "training", {"epochs", "warm_start_epochs", "batch", "lr", "min_lr", "warm_start_lr", "warmup_epochs",
                         "loss", "patience", "sample_fraction", "seed", "threads"});
  train::TrainOptions& o = c->train;
  if (t.contains("epochs")) o.epochs = static_cast<uint32_t>(Whole(t["epochs"], "training.epochs", 1, 100000));
  if (t.contains("warm_start_epochs"))
    c->warm_start_epochs = static_cast<uint32_t>(Whole(t["warm_start_epochs"], "training.warm_start_epochs", 1, 100000));
  if (t.contains("batch")) o.batch = static_cast<uint32_t>(Whole(t["batch"], "training.batch", 1, 1 << 20));
  if (t.contains("lr")) o.learning_rate = static_cast<float>(Number(t["lr"], "training.lr", 0, 10, true));
  if (t.contains("min_lr")) o.min_learning_rate = static_cast<float>(Number(t["min_lr"], "training.min_lr", 0, 10));
  if (t.contains("warm_start_lr"))
    c->warm_start_lr = static_cast<float>(Number(t["warm_start_lr"], "training.warm_start_lr", 0, 10, true));
  if (t.contains("warmup_epochs"))
    o.warmup_epochs = static_cast<float>(Number(t["warmup_epochs"], "training.warmup_epochs", 0, 100000));
  if (t.contains("loss")) {
    try {
      o.loss = train::ParseLoss(Text(t["loss"], "training.loss"));
    } catch (const std::invalid_argument&) {
      Fail("training.loss", "expected \"mse\", \"mape\" or \"rel-mse\", got " + Shown(t["loss"]));
    }
  }
  if (t.contains("patience")) o.patience = static_cast<uint32_t>(Whole(t["patience"], "training.patience", 0, 100000));
  if (t.contains("sample_fraction"))
    o.sample_fraction = Number(t["sample_fraction"], "training.sample_fraction", 0, 1, true);
  if (t.contains("seed")) o.seed = Whole(t["seed"], "training.seed", 0, std::numeric_limits<uint64_t>::max());
  if (t.contains("threads")) o.threads = static_cast<uint32_t>(Whole(t["threads"], "training.threads", 1, 2));
  if (c->warm_start_epochs > o.epochs)
    Fail("training.warm_start_epochs", "must not exceed training.epochs (" + std::to_string(o.epochs) + "), got " +
                                           std::to_string(c->warm_start_epochs));
}

void ParseHoldout(const Json& h, PipelineConfig* c) {
  Object(h, "holdout", {"stores", "items", "test_days", "validation_days", "test_from", "test_to"});
  if (h.contains("stores")) c->stores = Ids(h["stores"], "holdout.stores");
  if (h.contains("items")) c->items = Ids(h["items"], "holdout.items");
  if (h.contains("test_days")) c->test_days = static_cast<uint32_t>(Whole(h["test_days"], "holdout.test_days", 1, 3660));
  if (h.contains("validation_days"))
    c->validation_days = static_cast<uint32_t>(Whole(h["validation_days"], "holdout.validation_days", 1, 3660));
  if (h.contains("test_from")) c->test_from = Date(h["test_from"], "holdout.test_from");
  if (h.contains("test_to")) c->test_to = Date(h["test_to"], "holdout.test_to");
  if (c->test_from.has_value() != c->test_to.has_value())
    Fail(c->test_from ? "holdout.test_to" : "holdout.test_from",
         "test_from and test_to go together (or neither: the latest holdout)");
  if (c->test_from && *c->test_to < *c->test_from) Fail("holdout.test_to", "the test period ends before it starts");
  if (c->test_from && h.contains("test_days")) Fail("holdout.test_days", "give either test_days or test_from/test_to");
  if (c->stores.empty() != c->items.empty())
    Fail(c->stores.empty() ? "holdout.stores" : "holdout.items", "stores and items go together (or neither: every series)");
}

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '.') return false;
  for (char ch : name)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
          ch == '.'))
      return false;
  return true;
}

void ParseVariants(const Json& vs, PipelineConfig* c) {
  if (!vs.is_array()) Fail("variants", "expected a list of variants [...], got " + Shown(vs));
  std::set<std::string> names = {c->baseline_name};
  for (size_t i = 0; i < vs.size(); ++i) {
    const std::string key = "variants[" + std::to_string(i) + "]";
    const Json& v = Object(vs[i], key,
                           {"name", "technique", "source", "hidden", "sparsity", "prune_epochs", "finetune_epochs",
                            "prune_lr", "max_mape_increase"});
    VariantConfig out;
    if (!v.contains("name")) Fail(key + ".name", "missing (every variant needs a name)");
    out.name = Text(v["name"], key + ".name");
    if (!ValidName(out.name))
      Fail(key + ".name", "'" + out.name + "' is not a file-name-safe name (letters, digits, '-', '_', '.', at most 64)");
    if (!names.insert(out.name).second)
      Fail(key + ".name", "'" + out.name + "' is already the name of the baseline or an earlier variant");
    if (!v.contains("technique")) Fail(key + ".technique", "missing (sizing, pruning, int8 or stacked)");
    const std::string technique = Text(v["technique"], key + ".technique");
    if (technique == "sizing") out.technique = Technique::kSizing;
    else if (technique == "pruning") out.technique = Technique::kPruning;
    else if (technique == "int8") out.technique = Technique::kInt8;
    else if (technique == "stacked") out.technique = Technique::kStacked;
    else Fail(key + ".technique", "expected sizing, pruning, int8 or stacked, got " + Shown(v["technique"]));

    const auto allowed = [&](const char* k, std::initializer_list<Technique> ts) {
      if (!v.contains(k)) return;
      for (Technique t : ts)
        if (t == out.technique) return;
      Fail(key + "." + k, std::string("does not apply to a ") + technique + " variant");
    };
    allowed("hidden", {Technique::kSizing});
    allowed("sparsity", {Technique::kPruning});
    allowed("prune_epochs", {Technique::kPruning});
    allowed("finetune_epochs", {Technique::kPruning});
    allowed("prune_lr", {Technique::kPruning});
    allowed("source", {Technique::kPruning, Technique::kInt8, Technique::kStacked});

    if (out.technique == Technique::kSizing) {
      if (!v.contains("hidden")) Fail(key + ".hidden", "missing (a sizing variant needs its LSTM units)");
      out.hidden = static_cast<uint32_t>(Whole(v["hidden"], key + ".hidden", 1, 512));
    }
    if (out.technique == Technique::kPruning) {
      if (!v.contains("sparsity")) Fail(key + ".sparsity", "missing (a pruning variant needs its final sparsity)");
      out.sparsity = Number(v["sparsity"], key + ".sparsity", 0, 0.999);
      if (v.contains("prune_epochs"))
        out.prune_epochs = static_cast<uint32_t>(Whole(v["prune_epochs"], key + ".prune_epochs", 0, 100000));
      if (v.contains("finetune_epochs"))
        out.finetune_epochs = static_cast<uint32_t>(Whole(v["finetune_epochs"], key + ".finetune_epochs", 1, 100000));
      if (v.contains("prune_lr")) out.prune_lr = static_cast<float>(Number(v["prune_lr"], key + ".prune_lr", 0, 10, true));
    }
    if (out.technique == Technique::kStacked && !v.contains("source"))
      Fail(key + ".source", "missing (a stacked variant quantises a pruning variant: name it)");
    out.source = v.contains("source") ? Text(v["source"], key + ".source") : c->baseline_name;
    if (out.technique != Technique::kSizing && out.source != c->baseline_name) {
      const VariantConfig* src = nullptr;
      for (const VariantConfig& earlier : c->variants)
        if (earlier.name == out.source) src = &earlier;
      if (src == nullptr)
        Fail(key + ".source", "'" + out.source + "' is neither the baseline nor an earlier variant");
      const bool ok = (out.technique == Technique::kPruning && src->technique == Technique::kSizing) ||
                      (out.technique == Technique::kInt8 && src->technique == Technique::kSizing) ||
                      (out.technique == Technique::kStacked && src->technique == Technique::kPruning);
      if (!ok)
        Fail(key + ".source", std::string("a ") + technique + " variant cannot start from the " +
                                  TechniqueName(src->technique) + " variant '" + out.source + "'");
    } else if (out.technique == Technique::kStacked) {
      Fail(key + ".source", "a stacked variant quantises a pruning variant, not the baseline");
    }
    if (v.contains("max_mape_increase"))
      out.max_mape_increase = Number(v["max_mape_increase"], key + ".max_mape_increase", -100, 100);
    c->variants.push_back(out);
  }
}

}  // namespace

const char* TechniqueName(Technique t) {
  switch (t) {
    case Technique::kSizing: return "sizing";
    case Technique::kPruning: return "pruning";
    case Technique::kInt8: return "int8";
    case Technique::kStacked: return "stacked";
  }
  return "?";
}

PipelineConfig ParsePipelineConfig(const std::string& text) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::exception& e) {
    throw ConfigError(std::string("config: not valid JSON (") + e.what() + ")");
  }
  Object(j, "", {"baseline", "training", "holdout", "gate", "variants"});
  PipelineConfig c;
  // `shelfcast train`'s defaults: the settings of the shipped models.
  c.train.epochs = 20;
  c.train.batch = 128;
  c.train.learning_rate = 0.01f;
  c.train.sample_fraction = 0.5;
  c.train.patience = 10;
  c.train.loss = train::LossKind::kRelativeMse;
  if (j.contains("baseline")) ParseBaseline(j["baseline"], &c);
  if (!ValidName(c.baseline_name))
    Fail("baseline.name", "'" + c.baseline_name + "' is not a file-name-safe name (letters, digits, '-', '_', '.')");
  if (j.contains("training")) ParseTraining(j["training"], &c);
  if (j.contains("holdout")) ParseHoldout(j["holdout"], &c);
  if (j.contains("gate")) {
    const Json& g = Object(j["gate"], "gate", {"max_mape_increase"});
    if (g.contains("max_mape_increase"))
      c.max_mape_increase = Number(g["max_mape_increase"], "gate.max_mape_increase", -100, 100);
  }
  if (j.contains("variants")) ParseVariants(j["variants"], &c);
  return c;
}

double BudgetOf(const PipelineConfig& config, const VariantConfig& variant) {
  return variant.max_mape_increase.value_or(config.max_mape_increase);
}

}  // namespace shelfcast::pipeline
