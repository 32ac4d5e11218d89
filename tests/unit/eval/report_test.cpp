// The done-when test of the data work: on generated data (seed 42) the baselines land
// where the data card says the real file puts them. And the report's tables.
#include <catch2/catch.hpp>

#include <cstdio>

#include "core/file.h"
#include "data/csv.h"
#include "data/generator.h"
#include "eval/report.h"
#include "test_util.h"

namespace shelfcast {
namespace {

const SalesData& Seed42() {
  static const SalesData data = GenerateSales(GeneratorOptions{}).value();  // 10 x 50, 2013..2017
  return data;
}

EvalReport Report(const SalesData& data, const EvalRequest& request) {
  Result<EvalReport> r = RunEvaluation(data, request);
  INFO((r.ok() ? std::string() : r.status().message()));
  REQUIRE(r.ok());
  return std::move(r).value();
}

}  // namespace

TEST_CASE("eval: seed 42 reproduces the data card's baselines within 0.5 MAPE points", "[eval][report]") {
  EvalRequest request;  // the article protocol: stores 1-5 x items 1-10, test 2017, one step ahead
  request.baselines = {ParseBaseline("seasonal-naive").value(), ParseBaseline("weekday-mean:4").value(),
                       ParseBaseline("true-mean").value()};
  const EvalReport report = Report(Seed42(), request);
  REQUIRE(report.rows.size() == 3);
  CHECK(report.examples == 18250);
  // data-card.md, real file: 18.87, 16.26, 12.89; the issue asks for ~18.9, ~16.3, ~12.9
  // within +-0.5 (an independent generator written from the card alone got 18.56, 16.11,
  // 12.70: a faithful generator lands within ~0.3 of the real file).
  const double seasonal = report.rows[0].evaluation.pooled.mape;
  const double weekday_mean = report.rows[1].evaluation.pooled.mape;
  const double true_mean = report.rows[2].evaluation.pooled.mape;
  CHECK(seasonal >= 18.4);
  CHECK(seasonal <= 19.4);
  CHECK(weekday_mean >= 15.8);
  CHECK(weekday_mean <= 16.8);
  CHECK(true_mean >= 12.4);
  CHECK(true_mean <= 13.4);
  CHECK(report.rows[2].kind == "oracle");
  for (const EvalRow& row : report.rows) {
    CHECK(row.evaluation.pooled.count == 18250);
    CHECK(row.evaluation.per_series.size() == 50);
  }
}

TEST_CASE("eval: the CSV path gives the same numbers to the last bit", "[eval][report]") {
  // What `shelfcast eval --data FILE` does: the generated file read back by the CSV reader.
  GeneratorOptions g;
  g.stores = 5;
  g.items = 10;
  const SalesData generated = GenerateSales(g).value();
  const std::string path = std::string(SHELFCAST_BINARY_DIR) + "/report_test_5x10.csv";
  REQUIRE(WriteFileAtomic(path, FormatStoreItemCsv(generated)).ok());
  const SalesData read = ReadSalesCsvFile(path).value();
  std::remove(path.c_str());
  EvalRequest request;
  request.baselines.push_back(ParseBaseline("true-mean").value());
  const EvalReport a = Report(generated, request);
  const EvalReport b = Report(read, request);
  const EvalReport full = Report(Seed42(), request);  // the same 50 series inside the 500
  REQUIRE(a.rows.size() == 4);
  for (size_t i = 0; i < a.rows.size(); ++i) {
    CHECK(a.rows[i].evaluation.pooled.mape == b.rows[i].evaluation.pooled.mape);
    CHECK(a.rows[i].evaluation.pooled.rmse == b.rows[i].evaluation.pooled.rmse);
    CHECK(a.rows[i].evaluation.pooled.mape == full.rows[i].evaluation.pooled.mape);
    CHECK(a.rows[i].evaluation.forecasts == full.rows[i].evaluation.forecasts);
  }
}

TEST_CASE("eval: models run with their own window on the same pairs; Markdown and JSON", "[eval][report]") {
  Forecaster w30 = Forecaster::Create(testing::RandomModel(8, 30, 1)).value();
  Forecaster w60 = Forecaster::Create(testing::RandomModel(4, 60, 2)).value();
  EvalRequest request;
  request.protocol.stores = {1, 2};
  request.protocol.items = {3};
  request.models = {{"a.shcf", &w30}, {"b.shcf", &w60}};
  request.baselines = {ParseBaseline("naive").value()};
  const EvalReport report = Report(Seed42(), request);
  REQUIRE(report.rows.size() == 3);
  CHECK(report.rows[0].window == 30);
  CHECK(report.rows[1].window == 60);
  CHECK(report.rows[0].evaluation.pooled.count == 730);
  CHECK(report.rows[1].evaluation.pooled.count == 730);

  const std::string md = FormatMarkdown(report, "train.csv");
  CHECK(md.rfind("Protocol: train.csv, stores 1-2 x items 3 (2 series), test 2017-01-01..2017-12-31, one step ahead, "
                 "baseline window 30; 730 (series, day) pairs; MAPE over the pairs with sales > 0.\n\n"
                 "| forecaster | MAPE % | sMAPE % | WAPE % | MAE | RMSE | n |\n"
                 "|---|---:|---:|---:|---:|---:|---:|\n"
                 "| a.shcf (window 30) | ",
                 0) == 0);
  CHECK(md.find("\n| b.shcf (window 60) | ") != std::string::npos);
  char naive[160];
  const Metrics& m = report.rows[2].evaluation.pooled;
  std::snprintf(naive, sizeof naive, "\n| naive (yesterday) | %.2f | %.2f | %.2f | %.3f | %.3f | 730 |\n", m.mape, m.smape,
                m.wape, m.mae, m.rmse);
  CHECK(md.find(naive) != std::string::npos);

  const nlohmann::json j = ReportJson(report, "train.csv");
  CHECK(j["protocol"]["examples"] == 730);
  CHECK(j["protocol"]["stores"] == nlohmann::json({1, 2}));
  CHECK(j["rows"].size() == 3);
  CHECK(j["rows"][2]["id"] == "naive");
  CHECK(j["rows"][2]["kind"] == "baseline");
  CHECK(j["rows"][2]["mape"].get<double>() == m.mape);
  CHECK(j["rows"][0]["window"] == 30);
  REQUIRE(j["rows"][2]["per_series"].size() == 2);
  CHECK(j["rows"][2]["per_series"][1]["key"] == "store 2 item 3");
  CHECK(j["rows"][2]["per_series"][1]["n"] == 365);

  Forecaster too_long = Forecaster::Create(testing::RandomModel(2, 1024, 3)).value();
  GeneratorOptions g;
  g.stores = 1;
  g.items = 1;
  g.first_day = DaysFromCivil(2015, 1, 1);
  const SalesData short_history = GenerateSales(g).value();
  EvalRequest r2;
  r2.protocol.stores = {1};
  r2.protocol.items = {1};
  r2.models = {{"long.shcf", &too_long}};
  CHECK(RunEvaluation(short_history, r2).status().message() ==
        "long.shcf: store 1 item 1: fewer than 1024 days of history before the test period");
}

}  // namespace shelfcast
