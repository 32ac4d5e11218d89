#include "pipeline/report.h"

#include "core/status.h"

namespace shelfcast::pipeline {

using Json = nlohmann::json;

namespace {

std::string Cell(const Json& v, const char* format) {
  if (v.is_null()) return "–";
  return StrFormat(format, v.get<double>());
}

}  // namespace

std::string RejectionReason(double mape, double baseline_mape, double budget) {
  return StrFormat("MAPE %.2f %% is %+.2f points from the baseline's %.2f %%; the budget is %+.2f points, exceeded by %.2f "
             "points",
             mape, mape - baseline_mape, baseline_mape, budget, mape - baseline_mape - budget);
}

std::string RenderReportMarkdown(const Json& r) {
  std::string s = StrFormat("# shelfcast pipeline: generation %d\n\n", r["generation"].get<int>());
  const Json& d = r["data"];
  const Json& h = r["holdout"];
  s += "Data: `" + d["file"].get<std::string>() + "`, " + std::to_string(d["series"].get<size_t>()) + " series, " +
       d["first_day"].get<std::string>() + " .. " + d["last_day"].get<std::string>() + ".\n";
  s += "Holdout (" + h["rule"].get<std::string>() + "): test " + h["test_from"].get<std::string>() + " .. " +
       h["test_to"].get<std::string>() + " (" + std::to_string(h["test_windows"].get<size_t>()) +
       " windows), validation " + std::to_string(h["validation_days"].get<uint32_t>()) + " days from " +
       h["validation_from"].get<std::string>() + ".\n\n";
  if (r["previous_generation"].is_null()) {
    s += "First run: every model trained from scratch (cold start).\n\n";
  } else {
    const Json& ph = r["previous_holdout"];
    const Json& pd = r["previous_data"];
    s += StrFormat("Previous set: generation %d", r["previous_generation"].get<int>());
    if (pd.is_object()) s += ", data to " + pd.value("last_day", std::string("?"));
    if (ph.is_object())
      s += ", test " + ph.value("test_from", std::string("?")) + " .. " + ph.value("test_to", std::string("?"));
    s += std::string(". ") + (r["warm_start"].get<bool>() ? "Warm start" : "Cold start") + " of the baseline";
    s += StrFormat(" (at most %u epochs warm, %u cold).\n\n", r["training"]["warm_start_epochs"].get<uint32_t>(),
             r["training"]["epochs"].get<uint32_t>());
  }
  s += StrFormat("Quality gate: a variant ships when its test MAPE is at most the baseline's (%.3f %%) plus its budget "
           "(default %+.2f points).\n\n",
           r["baseline_mape"].get<double>(), r["gate"]["max_mape_increase"].get<double>());
  s += "| model | technique | status | MAPE % | Δ vs baseline | budget | file bytes | precision | start | epochs | "
       "previous MAPE % (new holdout) | change |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const Json& m : r["models"]) {
    std::string start = m["warm_start"].get<bool>() ? "warm (" + m["warm_start_from"].get<std::string>() + ")"
                        : m["epochs"].is_null()      ? m["cold_start_reason"].get<std::string>()
                                                     : "cold (" + m["cold_start_reason"].get<std::string>() + ")";
    std::string epochs = m["epochs"].is_null() ? "–" : StrFormat("%zu of %zu", m["epochs"].get<size_t>(), m["max_epochs"].get<size_t>());
    s += "| " + m["name"].get<std::string>() + " | " + m["technique"].get<std::string>() + " | " +
         m["status"].get<std::string>() + " | " + Cell(m["mape"], "%.3f") + " | " +
         Cell(m["delta_mape_vs_baseline"], "%+.3f") + " | " + Cell(m["budget"], "%+.2f") + " | " +
         std::to_string(m["file_bytes"].get<size_t>()) + " | " + m["precision"].get<std::string>() + " | " + start +
         " | " + epochs + " | " + Cell(m["previous_mape"], "%.3f") + " | " + Cell(m["mape_change"], "%+.3f") + " |\n";
  }
  if (!r["rejected"].empty()) {
    s += "\nRejected by the quality gate:\n\n";
    for (const Json& x : r["rejected"])
      s += "- **" + x["name"].get<std::string>() + "**: " + x["reason"].get<std::string>() + "\n";
  }
  if (r.contains("previous_only") && !r["previous_only"].empty()) {
    s += "\nIn the previous set, no longer configured (not shipped again):\n\n";
    for (const Json& x : r["previous_only"])
      s += "- " + x["name"].get<std::string>() + StrFormat(": MAPE %.3f %% on the new holdout\n", x["previous_mape"].get<double>());
  }
  s += "\nStages:";
  for (const Json& st : r["stages"]) s += StrFormat(" %s %.1f s;", st["stage"].get<std::string>().c_str(), st["seconds"].get<double>());
  s += StrFormat(" total %.1f s.\n", r["seconds"].get<double>());
  return s;
}

}  // namespace shelfcast::pipeline
