#include "eval/report.h"

#include <cstdio>

namespace shelfcast {
namespace {

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Thousands(size_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

// "1-5" for consecutive ids, else "1,3,7".
std::string IdList(const std::vector<int32_t>& ids) {
  bool consecutive = !ids.empty();
  for (size_t i = 1; i < ids.size(); ++i) consecutive = consecutive && ids[i] == ids[i - 1] + 1;
  if (consecutive && ids.size() > 1) return std::to_string(ids.front()) + "-" + std::to_string(ids.back());
  std::string s;
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
  return s;
}

nlohmann::json MetricsJson(const Metrics& m) {
  return {{"mape", m.mape}, {"smape", m.smape}, {"wape", m.wape}, {"mae", m.mae},
          {"rmse", m.rmse}, {"n", m.count},     {"mape_n", m.mape_count}};
}

}  // namespace

Result<EvalReport> RunEvaluation(const SalesData& data, const EvalRequest& request) {
  EvalReport report;
  report.protocol = request.protocol;
  SHELFCAST_ASSIGN_OR_RETURN(ProtocolSplit split, MakeProtocolSplit(data, request.protocol));
  report.series = split.series;
  for (uint32_t i : split.series) {
    report.series_keys.push_back(data.series[i].key);
    report.series_store.push_back(data.series[i].store);
    report.series_item.push_back(data.series[i].item);
  }
  report.examples = split.test.size();
  report.pairs = split.test.targets.size();

  for (const EvalModel& model : request.models) {
    ProtocolOptions options = request.protocol;
    options.window = model.forecaster->window();
    Result<ProtocolSplit> own = MakeProtocolSplit(data, options);
    if (!own.ok()) return own.status().WithContext(model.name);
    if (own->test.target_days != split.test.target_days || own->test.series != split.test.series)
      return InvalidArgument(model.name + ": with its window of " + std::to_string(options.window) +
                             " days the test has " + std::to_string(own->test.size()) + " examples, not " +
                             std::to_string(split.test.size()) + " like the other rows");
    Result<Evaluation> e = EvaluateModel(*model.forecaster, own->test);
    if (!e.ok()) return e.status().WithContext(model.name);
    report.rows.push_back({model.name, "model", model.name, options.window, std::move(e).value()});
  }
  for (const Baseline& b : request.baselines) {
    SHELFCAST_ASSIGN_OR_RETURN(std::vector<float> forecasts, BaselineForecasts(data, split.test, b));
    report.rows.push_back({BaselineLabel(b), b.kind == BaselineKind::kTrueMean ? "oracle" : "baseline", BaselineId(b),
                           0, ScoreForecasts(split.test, std::move(forecasts))});
  }
  return report;
}

std::string FormatMarkdown(const EvalReport& r, const std::string& data_name) {
  const ProtocolOptions& p = r.protocol;
  std::string out = "Protocol: " + data_name + ", ";
  if (!r.series_store.empty() && r.series_store.front() != 0) {
    out += "stores " + IdList(p.stores) + " x items " + IdList(p.items) + " (" + std::to_string(r.series.size()) +
           " series)";
  } else {
    out += std::to_string(r.series.size()) + " series";
  }
  out += ", test " + FormatIsoDate(p.test_first) + ".." + FormatIsoDate(p.test_last) + ", " +
         (p.horizon == 1 ? std::string("one step ahead") : std::to_string(p.horizon) + " days ahead") +
         ", baseline window " + std::to_string(p.window) + "; " + Thousands(r.pairs) +
         " (series, day) pairs; MAPE over the pairs with sales > 0.\n\n";
  out += "| forecaster | MAPE % | sMAPE % | WAPE % | MAE | RMSE | n |\n";
  out += "|---|---:|---:|---:|---:|---:|---:|\n";
  for (const EvalRow& row : r.rows) {
    const Metrics& m = row.evaluation.pooled;
    std::string name = row.name;
    if (row.kind == "model") name += " (window " + std::to_string(row.window) + ")";
    out += "| " + name + " | " + Fixed(m.mape, 2) + " | " + Fixed(m.smape, 2) + " | " + Fixed(m.wape, 2) + " | " +
           Fixed(m.mae, 3) + " | " + Fixed(m.rmse, 3) + " | " + Thousands(m.count) + " |\n";
  }
  return out;
}

nlohmann::json ReportJson(const EvalReport& r, const std::string& data_name) {
  const ProtocolOptions& p = r.protocol;
  nlohmann::json j;
  j["data"] = data_name;
  j["protocol"] = {{"stores", p.stores},
                   {"items", p.items},
                   {"series", r.series.size()},
                   {"window", p.window},
                   {"horizon", p.horizon},
                   {"test_first", FormatIsoDate(p.test_first)},
                   {"test_last", FormatIsoDate(p.test_last)},
                   {"examples", r.examples},
                   {"pairs", r.pairs},
                   {"mape_definition", "mean of |f - a| / a * 100 over the pairs with a > 0, pooled"}};
  j["rows"] = nlohmann::json::array();
  for (const EvalRow& row : r.rows) {
    nlohmann::json jr = MetricsJson(row.evaluation.pooled);
    jr["name"] = row.name;
    jr["kind"] = row.kind;
    jr["id"] = row.id;
    if (row.kind == "model") jr["window"] = row.window;
    nlohmann::json per = nlohmann::json::array();
    for (size_t s = 0; s < r.series.size(); ++s) {
      auto it = row.evaluation.per_series.find(r.series[s]);
      if (it == row.evaluation.per_series.end()) continue;
      nlohmann::json js = MetricsJson(it->second);
      js["key"] = r.series_keys[s];
      if (r.series_store[s] != 0) {
        js["store"] = r.series_store[s];
        js["item"] = r.series_item[s];
      }
      per.push_back(std::move(js));
    }
    jr["per_series"] = std::move(per);
    j["rows"].push_back(std::move(jr));
  }
  return j;
}

}  // namespace shelfcast
