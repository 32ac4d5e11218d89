#include "cli/data_args.h"

#include <algorithm>

#include "cli/cli_util.h"
#include "core/date.h"
#include "data/generator.h"

namespace shelfcast::cli {

void AddDataOptions(CLI::App* cmd, DataArgs* args) {
  cmd->add_option("--generated-seed", args->generated_seed, "Use generated data with this seed (default 42)");
  cmd->add_option("--stores", args->stores, "Stores, e.g. 1-5 or 1,3")->capture_default_str();
  cmd->add_option("--items", args->items, "Items, e.g. 1-10")->capture_default_str();
  cmd->add_option("--validation-days", args->validation_days, "Days before the test period that validate")
      ->check(CLI::Range(1, 3660))
      ->capture_default_str();
  cmd->add_option("--test-from", args->test_from, "First test day")->capture_default_str();
  cmd->add_option("--test-to", args->test_to, "Last test day")->capture_default_str();
}

std::vector<int32_t> ParseIdList(const std::string& text, const char* what) {
  std::vector<int32_t> ids;
  const auto bad = [&] { return CommandError(std::string(what) + " '" + text + "' is not a list like 1-5 or 1,3,7"); };
  size_t at = 0;
  while (at <= text.size()) {
    const size_t comma = std::min(text.find(',', at), text.size());
    const std::string part = text.substr(at, comma - at);
    const size_t dash = part.find('-');
    int32_t lo = 0, hi = 0;
    try {
      size_t used = 0;
      if (dash == std::string::npos) {
        lo = hi = std::stoi(part, &used);
        if (used != part.size()) throw bad();
      } else {
        lo = std::stoi(part.substr(0, dash), &used);
        if (used != dash) throw bad();
        const std::string rest = part.substr(dash + 1);
        hi = std::stoi(rest, &used);
        if (used != rest.size()) throw bad();
      }
    } catch (const std::logic_error&) {
      throw bad();
    }
    if (lo < 1 || hi < lo || hi > 100000) throw bad();
    for (int32_t v = lo; v <= hi; ++v) ids.push_back(v);
    at = comma + 1;
  }
  return ids;
}

SalesData LoadSales(const DataArgs& args) {
  const std::vector<int32_t> stores = ParseIdList(args.stores, "--stores");
  const std::vector<int32_t> items = ParseIdList(args.items, "--items");
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
  o.stores = ParseIdList(args.stores, "--stores");
  o.items = ParseIdList(args.items, "--items");
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
