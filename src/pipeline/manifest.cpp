#include "pipeline/manifest.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "data/generator.h"
#include "pipeline/baselines.h"

namespace shelfcast::pipeline {
namespace {

template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.status().message());
  return std::move(r).value();
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Signed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.*f", digits, v);
  return buf;
}

std::string Thousands(size_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

size_t BytesPerValue(Encoding e) {
  switch (e) {
    case Encoding::kF32:
    case Encoding::kSparseF32: return 4;
    case Encoding::kF16: return 2;
    case Encoding::kInt8:
    case Encoding::kSparseInt8: return 1;
  }
  return 4;
}

const char* PrecisionOf(Encoding e) {
  switch (e) {
    case Encoding::kF32:
    case Encoding::kSparseF32: return "f32";
    case Encoding::kF16: return "f16";
    case Encoding::kInt8:
    case Encoding::kSparseInt8: return "int8";
  }
  return "f32";
}

// Baseline-relative fields of one row.
void Relate(const Json& baseline, Json* row) {
  if (baseline.is_null()) {
    (*row)["compression_vs_baseline"] = nullptr;
    (*row)["delta_mape_vs_baseline"] = nullptr;
    return;
  }
  (*row)["compression_vs_baseline"] =
      baseline["file_bytes"].get<double>() / std::max(1.0, (*row)["file_bytes"].get<double>());
  (*row)["delta_mape_vs_baseline"] = (*row)["mape"].get<double>() - baseline["mape"].get<double>();
}

const Json& FindModel(const Json& manifest, const std::string& name) {
  static const Json kNull;
  for (const Json& m : manifest["models"])
    if (m["name"] == name) return m;
  return kNull;
}

std::string Cell(const Json& v, int digits) {
  if (v.is_null()) return "–";
  if (v.is_number_integer() || v.is_number_unsigned()) return Thousands(v.get<size_t>());
  return Fixed(v.get<double>(), digits);
}

// The precision column: "int8 + f16" for a mixed row (the precisions of its weight
// matrices: int8, f16, f32 in that order), ", full integer" for the integer LSTM.
std::string PrecisionCell(const Json& m) {
  std::string p = m["precision"].get<std::string>();
  if (p == "mixed" && m.contains("encodings")) {
    std::vector<std::string> seen;
    for (auto it = m["encodings"].begin(); it != m["encodings"].end(); ++it) {
      const std::string name = it.key();
      if (name.size() >= 5 && name.compare(name.size() - 5, 5, "/bias") == 0) continue;
      if (name.find("activation_scales") != std::string::npos) continue;
      const std::string e = it.value().get<std::string>();
      const std::string q = e == "f16" ? "f16" : (e == "int8" || e == "sparse-int8") ? "int8" : "f32";
      if (std::find(seen.begin(), seen.end(), q) == seen.end()) seen.push_back(q);
    }
    p.clear();
    for (const char* q : {"int8", "f16", "f32"})
      if (std::find(seen.begin(), seen.end(), q) != seen.end()) p += (p.empty() ? "" : " + ") + std::string(q);
  }
  if (m.value("quantization", std::string()) == "full-integer") p += ", full integer";
  return p;
}

// The manifest's "protocol" object: what the models were evaluated on.
Json ProtocolJson(const ProtocolOptions& p) {
  return {{"window", p.window},
          {"stores", p.stores},
          {"items", p.items},
          {"test_from", FormatIsoDate(p.test_first)},
          {"test_to", FormatIsoDate(p.test_last)},
          {"validation_days", p.validation_days}};
}

}  // namespace

SalesData RegenerateSales(const DataSpec& spec) {
  GeneratorOptions g;
  g.seed = spec.seed;
  g.stores = *std::max_element(spec.protocol.stores.begin(), spec.protocol.stores.end());
  g.items = *std::max_element(spec.protocol.items.begin(), spec.protocol.items.end());
  return Must(GenerateSales(g));
}

ProtocolSplit SplitFor(const SalesData& data, const DataSpec& spec, uint32_t window) {
  ProtocolOptions o = spec.protocol;
  o.window = window;
  return Must(MakeProtocolSplit(data, o));
}

DataSpec DataSpecOf(const Json& manifest) {
  DataSpec spec;
  spec.seed = manifest.at("generator").at("seed").get<uint64_t>();
  const Json& p = manifest.at("protocol");
  spec.protocol.window = p.at("window").get<uint32_t>();
  spec.protocol.stores = p.at("stores").get<std::vector<int32_t>>();
  spec.protocol.items = p.at("items").get<std::vector<int32_t>>();
  spec.protocol.validation_days = p.at("validation_days").get<uint32_t>();
  if (!ParseIsoDate(p.at("test_from").get<std::string>(), &spec.protocol.test_first) ||
      !ParseIsoDate(p.at("test_to").get<std::string>(), &spec.protocol.test_last))
    throw std::runtime_error("the manifest's protocol dates are not YYYY-MM-DD");
  return spec;
}

Json MetricsJson(const Metrics& m) {
  return {{"mape", m.mape}, {"smape", m.smape}, {"wape", m.wape}, {"mae", m.mae}, {"rmse", m.rmse}};
}

Json NewManifest(const DataSpec& spec, const std::string& baseline_model) {
  const ProtocolOptions& p = spec.protocol;
  Json j;
  j["schema"] = 1;
  j["generator"] = {{"seed", spec.seed},
                    {"stores", *std::max_element(p.stores.begin(), p.stores.end())},
                    {"items", *std::max_element(p.items.begin(), p.items.end())}};
  j["protocol"] = ProtocolJson(p);
  j["baseline_model"] = baseline_model;
  const SalesData data = RegenerateSales(spec);
  const ProtocolSplit split = SplitFor(data, spec, p.window);
  Json baselines = Json::array();
  for (const BaselineResult& b : EvaluateBaselines(data, split.test, /*generated=*/true)) {
    Json row = MetricsJson(b.evaluation.pooled);
    row["name"] = b.name;
    baselines.push_back(row);
  }
  j["baselines"] = baselines;
  j["article"] = ArticleRows();
  j["models"] = Json::array();
  return j;
}

Json ArticleRows() {
  // The article's own table (protocol.md); sizes are its parameter counts x bytes:
  // LSTM-64 16,961 x 4, LSTM-16 1,169 x 4, 30 % of LSTM-32's 4,385 x 4, 4,385 x 1.
  return Json::array({
      {{"name", "baseline LSTM-64"}, {"size_bytes", 67844}, {"size_quoted", "66.25 KB"}, {"compression", 1.0},
       {"mape", 15.92}, {"mape_delta", 0.0}},
      {{"name", "architecture sizing, LSTM-16"}, {"size_bytes", 4676}, {"size_quoted", "4.57 KB"},
       {"compression", 14.5}, {"mape", 15.92 + 0.82}, {"mape_delta", 0.82}},
      {{"name", "magnitude pruning, 70 % sparsity"}, {"size_bytes", 5262}, {"size_quoted", "5.14 KB"},
       {"compression", 12.9}, {"mape", 15.92 + 0.92}, {"mape_delta", 0.92}},
      {{"name", "INT8 quantization"}, {"size_bytes", 4385}, {"size_quoted", "4.28 KB"}, {"compression", 15.5},
       {"mape", 15.92 + 0.29}, {"mape_delta", 0.29}},
  });
}

Json NewManifestForData(const SalesData& data, const ProtocolOptions& p, const WindowSet& test,
                        const Json& data_source, const std::string& baseline_model) {
  Json j;
  j["schema"] = 1;
  j["generator"] = nullptr;
  j["data"] = data_source;
  j["protocol"] = ProtocolJson(p);
  j["baseline_model"] = baseline_model;
  Json baselines = Json::array();
  for (const BaselineResult& b : EvaluateBaselines(data, test, /*generated=*/false)) {
    Json row = MetricsJson(b.evaluation.pooled);
    row["name"] = b.name;
    baselines.push_back(row);
  }
  j["baselines"] = baselines;
  j["article"] = ArticleRows();
  j["models"] = Json::array();
  return j;
}

ModelFacts FactsOf(const Model& model) {
  ModelFacts f;
  std::string precision;
  for (const Layer& layer : model.layers) {
    for (const Tensor& t : layer.tensors) {
      // A full-integer LSTM's activation scales are metadata, not parameters (as
      // Model::parameter_count()).
      if (t.role == TensorRole::kActivationScales) continue;
      const std::vector<float> v = t.ToDense();
      size_t nonzero = 0;
      for (float x : v) nonzero += x != 0.f;
      f.parameters += v.size();
      f.nonzero_parameters += nonzero;
      f.article_param_bytes += nonzero * BytesPerValue(t.encoding);
      if (t.role != TensorRole::kBias) {
        f.weight_entries += v.size();
        f.zero_weight_entries += v.size() - nonzero;
      }
      const std::string p = PrecisionOf(t.encoding);
      if (t.role == TensorRole::kBias) continue;  // int8 models keep float biases
      precision = precision.empty() || precision == p ? p : "mixed";
    }
  }
  f.precision = precision.empty() ? "f32" : precision;
  return f;
}

Json ModelRow(const Json& manifest, const ModelRowInput& in) {
  const Model& m = *in.model;
  const ModelFacts facts = FactsOf(m);
  Json row;
  row["name"] = in.name;
  row["file"] = in.file;
  row["technique"] = in.technique;
  Json layers = Json::array();
  for (const Layer& l : m.layers)
    if (l.kind == LayerKind::kLstm) layers.push_back(l.units);
  row["hidden"] = layers.empty() ? 0u : layers.back().get<uint32_t>();
  row["layers"] = layers;
  row["window"] = m.window;
  Json calendar = Json::array();
  if (m.calendar & kCalendarDayOfWeek) calendar.push_back("dow");
  if (m.calendar & kCalendarMonth) calendar.push_back("month");
  row["calendar"] = calendar;
  row["norm"] = NormKindName(m.norm);
  row["sparsity"] = facts.weight_entries ? static_cast<double>(facts.zero_weight_entries) / facts.weight_entries : 0.0;
  row["precision"] = facts.precision;
  // How the runtime computes (lstm/layer.h picks by encoding): "none" (float weights),
  // "dynamic" (int8 weights, activations quantised per step, float cell) or
  // "full-integer" (an LSTM with activation scales: the integer LSTM).
  std::string quantization = "none";
  for (const Layer& l : m.layers)
    for (const Tensor& t : l.tensors) {
      if (t.role == TensorRole::kActivationScales) quantization = "full-integer";
      if (quantization == "none" && (t.encoding == Encoding::kInt8 || t.encoding == Encoding::kSparseInt8))
        quantization = "dynamic";
    }
  row["quantization"] = quantization;
  Json encodings = Json::object();
  for (size_t l = 0; l < m.layers.size(); ++l)
    for (const Tensor& t : m.layers[l].tensors) encodings[TensorName(m, l, t.role)] = EncodingName(t.encoding);
  row["encodings"] = encodings;
  row["parameters"] = facts.parameters;
  row["nonzero_parameters"] = facts.nonzero_parameters;
  row["file_bytes"] = in.file_bytes;
  row["article_param_bytes"] = facts.article_param_bytes;
  const Json metrics = MetricsJson(in.metrics);
  for (auto it = metrics.begin(); it != metrics.end(); ++it) row[it.key()] = it.value();
  const Json& r = in.train_report;
  row["train_seconds"] = r.is_object() && r.contains("train_seconds") ? r["train_seconds"] : Json();
  row["epochs"] = r.is_object() && r.contains("epochs") ? r["epochs"] : Json();
  row["seconds_per_epoch"] = r.is_object() && r.contains("seconds_per_epoch") ? r["seconds_per_epoch"] : Json();
  // Pruning reports (compress prune --report) carry the per-matrix sparsities and, with
  // --sensitivity, the sensitivity table; the rows keep them for the results page.
  if (r.is_object() && r.contains("groups")) row["prune_groups"] = r["groups"];
  if (r.is_object() && r.contains("sensitivity")) row["sensitivity"] = r["sensitivity"];
  if (r.is_object() && r.contains("source_model")) row["source_model"] = r["source_model"];
  row["notes"] = in.notes;
  const std::string baseline_name = manifest.value("baseline_model", "");
  Relate(in.name == baseline_name ? row : FindModel(manifest, baseline_name), &row);
  return row;
}

void UpsertModel(Json* manifest, Json row) {
  Json& models = (*manifest)["models"];
  bool replaced = false;
  for (Json& m : models) {
    if (m["name"] == row["name"]) {
      m = row;
      replaced = true;
    }
  }
  if (!replaced) models.push_back(row);
  const Json baseline = FindModel(*manifest, manifest->value("baseline_model", ""));
  for (Json& m : models) Relate(baseline, &m);
}

std::string RenderModelsTable(const Json& manifest) {
  std::string s =
      "| model | technique | LSTM | window | inputs | sparsity | precision | file bytes | article param bytes | "
      "compression | MAPE % | Δ MAPE | sMAPE % | WAPE % | MAE | RMSE |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const Json& m : manifest["models"]) {
    std::string lstm;
    for (const Json& u : m["layers"]) lstm += (lstm.empty() ? "" : "+") + std::to_string(u.get<uint32_t>());
    std::string inputs = "sales";
    for (const Json& c : m["calendar"]) inputs += c == "dow" ? " + weekday" : " + month";
    const bool base = m["name"] == manifest.value("baseline_model", "");
    s += "| " + std::string(base ? "**" : "") + m["name"].get<std::string>() + (base ? "**" : "") + " | " +
         m["technique"].get<std::string>() + " | " + lstm + " | " + std::to_string(m["window"].get<uint32_t>()) +
         " | " + inputs + " | " + Fixed(100 * m["sparsity"].get<double>(), 0) + " % | " + PrecisionCell(m) + " | " +
         Cell(m["file_bytes"], 0) + " | " +
         Cell(m["article_param_bytes"], 0) + " | " +
         (m["compression_vs_baseline"].is_null() ? "–" : Fixed(m["compression_vs_baseline"].get<double>(), 1) + "x") +
         " | " + Cell(m["mape"], 2) + " | " +
         (m["delta_mape_vs_baseline"].is_null() ? "–" : Signed(m["delta_mape_vs_baseline"].get<double>(), 2)) +
         " | " + Cell(m["smape"], 2) + " | " + Cell(m["wape"], 2) + " | " + Cell(m["mae"], 2) + " | " +
         Cell(m["rmse"], 2) + " |\n";
  }
  return s;
}

std::string RenderBaselinesTable(const Json& manifest) {
  std::string s = "| trivial forecaster | MAPE % | sMAPE % | WAPE % | MAE | RMSE |\n|---|---|---|---|---|---|\n";
  for (const Json& b : manifest["baselines"])
    s += "| " + b["name"].get<std::string>() + " | " + Cell(b["mape"], 2) + " | " + Cell(b["smape"], 2) + " | " +
         Cell(b["wape"], 2) + " | " + Cell(b["mae"], 2) + " | " + Cell(b["rmse"], 2) + " |\n";
  return s;
}

std::string RenderArticleTable(const Json& manifest) {
  std::string s =
      "| the article's variant | size it quotes | = parameter bytes | compression | MAPE % |\n|---|---|---|---|---|\n";
  for (const Json& a : manifest["article"])
    s += "| " + a["name"].get<std::string>() + " | " + a["size_quoted"].get<std::string>() + " | " +
         Cell(a["size_bytes"], 0) + " | " + Fixed(a["compression"].get<double>(), 1) + "x | " + Cell(a["mape"], 2) +
         (a["mape_delta"].get<double>() != 0 ? " (" + Signed(a["mape_delta"].get<double>(), 2) + ")" : "") + " |\n";
  return s;
}

std::string RenderTimingTable(const Json& manifest) {
  std::string s = "| model | technique | epochs | seconds per epoch | training seconds |\n|---|---|---|---|---|\n";
  // Subtotals per technique, in order of first appearance; the sizing sweep's budget is
  // baseline + sizing + calendar.
  std::vector<std::pair<std::string, double>> subtotal;
  double total = 0;
  for (const Json& m : manifest["models"]) {
    if (m["train_seconds"].is_null()) continue;
    const std::string technique = m["technique"].get<std::string>();
    const double t = m["train_seconds"].get<double>();
    total += t;
    bool found = false;
    for (auto& entry : subtotal) {
      if (entry.first != technique) continue;
      entry.second += t;
      found = true;
    }
    if (!found) subtotal.emplace_back(technique, t);
    s += "| " + m["name"].get<std::string>() + " | " + technique + " | " + Cell(m["epochs"], 0) + " | " +
         Cell(m["seconds_per_epoch"], 2) + " | " + Cell(m["train_seconds"], 1) + " |\n";
  }
  for (const auto& [name, sum] : subtotal)
    s += "| *" + name + " rows* | | | | *" + Fixed(sum, 1) + "* (" + Fixed(sum / 60, 1) + " min) |\n";
  s += "| **total** | | | | **" + Fixed(total, 1) + "** (" + Fixed(total / 60, 1) + " min) |\n";
  return s;
}

std::string RenderSensitivityTable(const Json& manifest) {
  std::string s;
  for (const Json& m : manifest["models"]) {
    if (!m.contains("sensitivity")) continue;
    std::vector<double> sparsities;
    std::vector<std::string> groups;
    for (const Json& r : m["sensitivity"]) {
      const double sp = r["sparsity"].get<double>();
      if (std::find(sparsities.begin(), sparsities.end(), sp) == sparsities.end()) sparsities.push_back(sp);
      const std::string g = r["group"].get<std::string>();
      if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
    }
    s += "Validation MAPE change (points) when ONE weight group of `" + m.value("source_model", std::string("?")) +
         "` is pruned to the given sparsity, one shot, no fine-tuning (measured for `" + m["name"].get<std::string>() +
         "`):\n\n| weight group |";
    for (double sp : sparsities) s += " " + Fixed(100 * sp, 0) + " % |";
    s += "\n|---|";
    for (size_t i = 0; i < sparsities.size(); ++i) s += "---|";
    s += "\n";
    for (const std::string& g : groups) {
      s += "| " + g + " |";
      for (double sp : sparsities)
        for (const Json& r : m["sensitivity"])
          if (r["group"] == g && r["sparsity"].get<double>() == sp) s += " " + Signed(r["delta"].get<double>(), 2) + " |";
      s += "\n";
    }
    s += "\n";
  }
  return s;
}

std::string ReplaceGeneratedBlock(const std::string& doc, const std::string& name, const std::string& content) {
  const std::string open = "<!-- generated:" + name + " -->", close = "<!-- /generated:" + name + " -->";
  const std::string block = open + "\n" + content + close;
  const size_t a = doc.find(open);
  const size_t b = a == std::string::npos ? std::string::npos : doc.find(close, a);
  if (a == std::string::npos || b == std::string::npos)
    return doc + (doc.empty() || doc.back() == '\n' ? "" : "\n") + "\n" + block + "\n";
  return doc.substr(0, a) + block + doc.substr(b + close.size());
}

}  // namespace shelfcast::pipeline
