// A small protocol split of generated data for the toolchain tests (trainer, pruning):
// store 1, items 1-2, 2016 to February 2017, window 14: 2 series x ~240 training windows,
// trained in well under a second.
#pragma once

#include "core/date.h"
#include "data/generator.h"
#include "eval/protocol.h"

namespace shelfcast::testing {

inline const ProtocolSplit& SmallSplit() {
  static const ProtocolSplit split = [] {
    GeneratorOptions g;
    g.stores = 1;
    g.items = 2;
    g.first_day = DaysFromCivil(2016, 1, 1);
    g.last_day = DaysFromCivil(2017, 2, 28);
    SalesData data = GenerateSales(g).value();
    ProtocolOptions o;
    o.stores = {1};
    o.items = {1, 2};
    o.window = 14;
    o.validation_days = 60;
    o.test_last = DaysFromCivil(2017, 2, 28);
    return MakeProtocolSplit(data, o).value();
  }();
  return split;
}

}  // namespace shelfcast::testing
