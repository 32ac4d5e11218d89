// shelfcast generate --seed S --out FILE [--stores N] [--items M] [--from D] [--to D]
// Writes store-item sales drawn from the data card's model (data/generator.h) in the
// real file's exact format. The same seed gives the same bytes on every platform.
#include <cstdio>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/date.h"
#include "core/file.h"
#include "data/generator.h"

namespace shelfcast::cli {
namespace {

struct GenerateArgs {
  uint64_t seed = 42;
  std::string out;
  int32_t stores = 10;
  int32_t items = 50;
  std::string from = "2013-01-01";
  std::string to = "2017-12-31";
};

DayNumber ParseDateOption(const char* name, const std::string& text) {
  DayNumber day = 0;
  if (!ParseIsoDate(text, &day)) throw CommandError(std::string(name) + " '" + text + "' is not a YYYY-MM-DD date");
  return day;
}

void RunGenerate(const GenerateArgs& args) {
  GeneratorOptions options;
  options.seed = args.seed;
  options.stores = args.stores;
  options.items = args.items;
  options.first_day = ParseDateOption("--from", args.from);
  options.last_day = ParseDateOption("--to", args.to);
  const SalesData data = Check(GenerateSales(options));
  const std::string text = FormatStoreItemCsv(data);
  Check(WriteFileAtomic(args.out, text));
  size_t rows = 0;
  for (const Series& s : data.series) rows += s.values.size();
  std::printf("wrote %s: %s rows (%d stores x %d items x %d days, %s..%s), seed %llu, %s bytes\n", args.out.c_str(),
              WithThousands(rows).c_str(), args.stores, args.items,
              static_cast<int>(options.last_day - options.first_day + 1), args.from.c_str(), args.to.c_str(),
              static_cast<unsigned long long>(args.seed), WithThousands(text.size()).c_str());
}

}  // namespace

void RegisterGenerate(CLI::App& app) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* cmd = app.add_subcommand("generate", "Write store-item sales generated from the data card's model");
  cmd->add_option("--seed", args->seed, "Random seed (same seed, same file, on every platform)");
  cmd->add_option("--out", args->out, "Output CSV file (date,store,item,sales)")->required();
  cmd->add_option("--stores", args->stores, "Stores 1..N (the card has 10)")->check(CLI::Range(1, 10));
  cmd->add_option("--items", args->items, "Items 1..M (the card has 50)")->check(CLI::Range(1, 50));
  cmd->add_option("--from", args->from, "First day, YYYY-MM-DD");
  cmd->add_option("--to", args->to, "Last day, YYYY-MM-DD");
  cmd->callback([args] { RunGenerate(*args); });
}

}  // namespace shelfcast::cli
