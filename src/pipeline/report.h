// The pipeline's report (pipeline/run.h): the gate's reason text and report.md, made
// from report.json's content (docs/pipeline.md lists its fields).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace shelfcast::pipeline {

// The reason text of a rejected variant (also in report.json "reason"):
//   "MAPE 19.91 % is +1.32 points from the baseline's 18.59 %; the budget is +0.50
//    points, exceeded by 0.82 points"
std::string RejectionReason(double mape, double baseline_mape, double budget);

// report.md from report.json's content.
std::string RenderReportMarkdown(const nlohmann::json& report);

}  // namespace shelfcast::pipeline
