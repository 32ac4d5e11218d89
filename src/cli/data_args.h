// The data options shared by the subcommands that train or evaluate on the protocol
// split: where the sales come from, which series, and the split's dates.
//   --data FILE                 a sales CSV (data/csv.h: the real file's store-item
//                               format, or the generic one)
//   --generated-seed S          otherwise: data from the generator (data/generator.h),
//                               seed S (default 42), only the stores and items needed
//   --stores 1-5 --items 1-10   the series (lists and ranges: "1-5", "1,3,7")
//   --validation-days 92        the days before the test that validate
//   --test-from / --test-to     the test period (default: 2017)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "data/series.h"
#include "eval/protocol.h"

namespace shelfcast::cli {

struct DataArgs {
  std::string data;
  uint64_t generated_seed = 42;
  std::string stores = "1-5";
  std::string items = "1-10";
  uint32_t validation_days = 92;
  std::string test_from = "2017-01-01";
  std::string test_to = "2017-12-31";
};

void AddDataOptions(CLI::App* cmd, DataArgs* args);

// The sales the options name.
SalesData LoadSales(const DataArgs& args);
ProtocolOptions MakeProtocolOptions(const DataArgs& args, uint32_t window);
// LoadSales + MakeProtocolSplit, errors as CommandError.
ProtocolSplit LoadSplit(const DataArgs& args, uint32_t window, SalesData* sales = nullptr);

}  // namespace shelfcast::cli
