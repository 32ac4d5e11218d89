// The trainer end to end on a small slice of generated data: it learns, it is
// reproducible and independent of the thread count, its own evaluation agrees with the
// runtime's, early stopping keeps the best epoch, a mask holds pruned weights at zero.
#include <catch2/catch.hpp>

#include <atomic>

#include "data/generator.h"
#include "eval/evaluate.h"
#include "eval/protocol.h"
#include "small_split.h"
#include "lstm/forecaster.h"
#include "train/network.h"
#include "train/trainer.h"

using namespace shelfcast;
using namespace shelfcast::train;

namespace {

using testing::SmallSplit;

Model SmallModel(uint8_t calendar = kCalendarNone) {
  Model m = MakeLstmForecaster(6, 14, calendar);
  InitializeModel(&m, 3);
  SetWindowMeanNormalisation(&m);
  return m;
}

TrainOptions SmallOptions() {
  TrainOptions o;
  o.epochs = 4;
  o.batch = 32;
  o.learning_rate = 1e-2f;
  o.patience = 0;
  o.seed = 11;
  return o;
}

}  // namespace

TEST_CASE("Training lowers the validation MAPE", "[train]") {
  const ProtocolSplit& s = SmallSplit();
  Trainer trainer(SmallModel(), s.train, s.validation, SmallOptions());
  const double before = trainer.Evaluate(s.validation).mape;
  const TrainResult r = trainer.Fit();
  CHECK(r.history.size() == 4);
  CHECK(r.best_val_mape < before);
  CHECK_FALSE(r.interrupted);
}

TEST_CASE("Training is reproducible and does not depend on the thread count", "[train]") {
  const ProtocolSplit& s = SmallSplit();
  TrainOptions o = SmallOptions();
  o.epochs = 2;
  o.sample_fraction = 0.5;
  o.threads = 2;
  const TrainResult a = Trainer(SmallModel(kCalendarDayOfWeek), s.train, s.validation, o).Fit();
  const TrainResult b = Trainer(SmallModel(kCalendarDayOfWeek), s.train, s.validation, o).Fit();
  o.threads = 1;
  const TrainResult c = Trainer(SmallModel(kCalendarDayOfWeek), s.train, s.validation, o).Fit();
  const std::vector<float> pa = FlattenParameters(a.model);
  CHECK(pa == FlattenParameters(b.model));
  CHECK(pa == FlattenParameters(c.model));
  o.seed = 12;
  const TrainResult d = Trainer(SmallModel(kCalendarDayOfWeek), s.train, s.validation, o).Fit();
  CHECK(pa != FlattenParameters(d.model));
}

TEST_CASE("The trainer's validation MAPE is the runtime's", "[train]") {
  const ProtocolSplit& s = SmallSplit();
  for (NormKind norm : {NormKind::kGlobal, NormKind::kWindowMean}) {
    Model m = SmallModel(kCalendarDayOfWeek | kCalendarMonth);
    if (norm == NormKind::kGlobal) {
      SetGlobalNormalisation(FitGlobalNormalisation(s.train), &m);
    } else {
      SetWindowMeanNormalisation(&m);
    }
    TrainOptions o = SmallOptions();
    o.epochs = 1;
    Trainer trainer(m, s.train, s.validation, o);
    trainer.Fit();
    const double own = trainer.Evaluate(s.validation).mape;
    Forecaster f = Forecaster::Create(trainer.CurrentModel()).value();
    const double runtime = EvaluateModel(f, s.validation).value().pooled.mape;
    // Forecasts agree to ~1e-6 relative (network_test), so MAPE (in %) to far below 1e-3.
    CHECK(std::abs(own - runtime) < 1e-3);
  }
}

TEST_CASE("Early stopping returns the best epoch's weights", "[train]") {
  const ProtocolSplit& s = SmallSplit();
  TrainOptions o = SmallOptions();
  o.epochs = 12;
  o.learning_rate = 0.05f;  // large enough that validation MAPE does not improve every epoch
  o.patience = 2;
  Trainer trainer(SmallModel(), s.train, s.validation, o);
  const TrainResult r = trainer.Fit();
  double best = 1e9;
  for (const EpochReport& e : r.history) best = std::min(best, e.val_mape);
  CHECK(r.best_val_mape == best);
  CHECK(r.history[r.best_epoch - 1].val_mape == best);
  if (r.stopped_early) CHECK(r.history.size() == r.best_epoch + 2);
  Trainer check(r.model, s.train, s.validation, o);
  CHECK(check.Evaluate(s.validation).mape == Approx(best).epsilon(1e-9));
}

TEST_CASE("A raised stop flag interrupts before the first batch", "[train]") {
  const ProtocolSplit& s = SmallSplit();
  std::atomic<bool> stop{true};
  const TrainResult r = Trainer(SmallModel(), s.train, s.validation, SmallOptions()).Fit({}, &stop);
  CHECK(r.interrupted);
  CHECK(r.best_epoch == 0);
  CHECK(r.history.empty());
}

TEST_CASE("Masked weights stay zero through training", "[train]") {
  const ProtocolSplit& s = SmallSplit();
  Trainer trainer(SmallModel(), s.train, s.validation, SmallOptions());
  std::vector<uint8_t>& mask = trainer.mask();
  mask.assign(trainer.parameters().size(), 1);
  for (size_t i = 0; i < mask.size(); i += 3) mask[i] = 0;
  trainer.TrainEpoch([](size_t) { return 1e-2; }, nullptr);
  const std::vector<float>& p = trainer.parameters();
  size_t zeros = 0, nonzero_kept = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (!mask[i]) zeros += p[i] == 0.f;
    else nonzero_kept += p[i] != 0.f;
  }
  CHECK(zeros == (p.size() + 2) / 3);
  CHECK(nonzero_kept > 0);
}

TEST_CASE("The trainer refuses what it cannot train", "[train]") {
  const ProtocolSplit& s = SmallSplit();
  Model hard = MakeLstmForecaster(4, 14);
  hard.layers[0].recurrent_activation = Activation::kHardSigmoid;
  CHECK_THROWS_WITH(Trainer(hard, s.train, s.validation, SmallOptions()),
                    "lstm0: the trainer supports the sigmoid recurrent activation only, not hard_sigmoid");
  CHECK_THROWS_WITH(Trainer(MakeLstmForecaster(4, 30), s.train, s.validation, SmallOptions()),
                    "the windows have 14 days, the model needs 30");
  TrainOptions o = SmallOptions();
  o.sample_fraction = 0;
  CHECK_THROWS_WITH(Trainer(SmallModel(), s.train, s.validation, o), "the sample fraction must be in (0, 1]");
  CHECK_THROWS_WITH(ParseLoss("l1"), "unknown loss 'l1' (mse, mape, rel-mse)");
}
