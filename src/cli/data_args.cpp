#include "cli/data_args.h"

#include <algorithm>

#include "cli/cli_util.h"
#include "core/date.h"
#include "data/csv.h"
#include "data/generator.h"

namespace shelfcast::cli {
namespace {

std::vector<int32_t> Ids(const std::string& text, const char* option) {
  Result<std::vector<int32_t>> ids = ParseIdRanges(text);
  Check(ids.status().WithContext(option));
  return std::move(ids).value();
}

}  // namespace

void AddDataOptions(CLI::App* cmd, DataArgs* args) {
  CLI::Option* data = cmd->add_option("--data", args->data, "Sales CSV (date,store,item,sales or the generic format)");
  cmd->add_option("--generated-seed", args->generated_seed, "Without --data: generated data with this seed")
      ->excludes(data)
      ->capture_default_str();
  cmd->add_option("--stores", args->stores, "Stores, e.g. 1-5 or 1,3")->capture_default_str();
  cmd->add_option("--items", args->items, "Items, e.g. 1-10")->capture_default_str();
  cmd->add_option("--validation-days", args->validation_days, "Days before the test period that validate")
      ->check(CLI::Range(1, 3660))
      ->capture_default_str();
  cmd->add_option("--test-from", args->test_from, "First test day")->capture_default_str();
  cmd->add_option("--test-to", args->test_to, "Last test day")->capture_default_str();
}

SalesData LoadSales(const DataArgs& args) {
  if (!args.data.empty()) return Check(ReadSalesCsvFile(args.data));
  const std::vector<int32_t> stores = Ids(args.stores, "--stores");
  const std::vector<int32_t> items = Ids(args.items, "--items");
  GeneratorOptions g;
  g.seed = args.generated_seed;
  g.stores = *std::max_element(stores.begin(), stores.end());
  g.items = *std::max_element(items.begin(), items.end());
  if (g.stores > 10) throw CommandError("--stores: the generator has stores 1..10");
  if (g.items > 50) throw CommandError("--items: the generator has items 1..50");
  return Check(GenerateSales(g));
}

ProtocolOptions MakeProtocolOptions(const DataArgs& args, uint32_t window) {
  ProtocolOptions o;
  o.stores = Ids(args.stores, "--stores");
  o.items = Ids(args.items, "--items");
  o.window = window;
  o.validation_days = args.validation_days;
  if (!ParseIsoDate(args.test_from, &o.test_first))
    throw CommandError("--test-from '" + args.test_from + "' is not a YYYY-MM-DD date");
  if (!ParseIsoDate(args.test_to, &o.test_last))
    throw CommandError("--test-to '" + args.test_to + "' is not a YYYY-MM-DD date");
  return o;
}

ProtocolSplit LoadSplit(const DataArgs& args, uint32_t window, SalesData* sales) {
  SalesData data = LoadSales(args);
  ProtocolSplit split = Check(MakeProtocolSplit(data, MakeProtocolOptions(args, window)));
  if (sales) *sales = std::move(data);
  return split;
}

}  // namespace shelfcast::cli
