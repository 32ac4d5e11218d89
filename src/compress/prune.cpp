#include "compress/prune.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

namespace shelfcast::compress {
namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

double GroupSparsity(const std::vector<PruneGroup>& groups, const std::vector<float>& params) {
  size_t zeros = 0, n = 0;
  for (const PruneGroup& g : groups) {
    for (size_t i : g.indices) zeros += params[i] == 0.f;
    n += g.indices.size();
  }
  return n ? static_cast<double>(zeros) / static_cast<double>(n) : 0.0;
}

}  // namespace

const char* PruneScheduleName(PruneSchedule s) {
  return s == PruneSchedule::kPolynomial ? "polynomial" : "one-shot";
}

PruneSchedule ParsePruneSchedule(const std::string& name) {
  if (name == "polynomial") return PruneSchedule::kPolynomial;
  if (name == "one-shot") return PruneSchedule::kOneShot;
  throw std::invalid_argument("unknown pruning schedule '" + name + "' (polynomial, one-shot)");
}

std::vector<PruneGroup> PruneGroups(const Model& model, bool per_gate, bool prune_dense) {
  static const char* const kGate[4] = {"i", "f", "c", "o"};  // Keras' column order
  const train::ParameterLayout layout = train::ParameterLayout::Of(model);
  std::vector<PruneGroup> groups;
  for (const train::ParameterLayout::Entry& e : layout.entries) {
    if (e.role == TensorRole::kBias) continue;
    const Layer& layer = model.layers[e.layer];
    const std::string name = TensorName(model, e.layer, e.role);
    if (layer.kind == LayerKind::kDense && !prune_dense) continue;
    if (layer.kind == LayerKind::kLstm && per_gate) {
      const uint32_t h = layer.units;
      for (uint32_t g = 0; g < 4; ++g) {
        PruneGroup group{name + "[" + kGate[g] + "]", {}, h};
        for (uint32_t r = 0; r < e.rows; ++r)
          for (uint32_t c = g * h; c < (g + 1) * h; ++c) group.indices.push_back(e.offset + static_cast<size_t>(r) * e.cols + c);
        groups.push_back(std::move(group));
      }
      continue;
    }
    PruneGroup group{name, {}, e.cols};
    for (size_t i = 0; i < e.count; ++i) group.indices.push_back(e.offset + i);
    groups.push_back(std::move(group));
  }
  return groups;
}

void MagnitudeMask(const std::vector<PruneGroup>& groups, const std::vector<double>& sparsity,
                   std::vector<float>* params, std::vector<uint8_t>* mask) {
  std::vector<float>& p = *params;
  if (mask->size() != p.size()) mask->assign(p.size(), 1);
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    const PruneGroup& g = groups[gi];
    std::vector<size_t> order = g.indices;
    const size_t k =
        std::min(order.size(), static_cast<size_t>(std::llround(sparsity[gi] * static_cast<double>(order.size()))));
    const auto smaller = [&](size_t a, size_t b) {
      const float ma = std::abs(p[a]), mb = std::abs(p[b]);
      return ma < mb || (ma == mb && a < b);
    };
    if (k > 0 && k < order.size())
      std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(), smaller);
    for (size_t j = 0; j < order.size(); ++j) {
      const size_t i = order[j];
      (*mask)[i] = j < k ? 0 : 1;
      if (j < k) p[i] = 0.f;
    }
  }
}

void MagnitudeMaskBlocks(const std::vector<PruneGroup>& groups, const std::vector<double>& sparsity, uint32_t block,
                         std::vector<float>* params, std::vector<uint8_t>* mask) {
  std::vector<float>& p = *params;
  if (mask->size() != p.size()) mask->assign(p.size(), 1);
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    const PruneGroup& g = groups[gi];
    if (block <= 1 || g.row_width == 0 || g.row_width % block != 0 || g.indices.size() % block != 0) {
      MagnitudeMask({g}, {sparsity[gi]}, params, mask);
      continue;
    }
    // Row-major indices: each run of `block` consecutive entries is one row's block.
    const size_t n_blocks = g.indices.size() / block;
    std::vector<double> norm(n_blocks, 0.0);
    for (size_t b = 0; b < n_blocks; ++b)
      for (size_t j = 0; j < block; ++j) norm[b] += std::abs(p[g.indices[b * block + j]]);
    std::vector<size_t> order(n_blocks);
    for (size_t b = 0; b < n_blocks; ++b) order[b] = b;
    const size_t k =
        std::min(n_blocks, static_cast<size_t>(std::llround(sparsity[gi] * static_cast<double>(n_blocks))));
    const auto smaller = [&](size_t a, size_t b) { return norm[a] < norm[b] || (norm[a] == norm[b] && a < b); };
    if (k > 0 && k < n_blocks)
      std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(), smaller);
    for (size_t r = 0; r < n_blocks; ++r) {
      const bool pruned = r < k;
      for (size_t j = 0; j < block; ++j) {
        const size_t i = g.indices[order[r] * block + j];
        (*mask)[i] = pruned ? 0 : 1;
        if (pruned) p[i] = 0.f;
      }
    }
  }
}

std::vector<double> AllocateSparsity(const std::vector<PruneGroup>& groups, double total,
                                     const std::vector<std::pair<std::string, double>>& fixed) {
  std::vector<double> s(groups.size(), -1);
  for (const auto& [name, value] : fixed) {
    if (!(value >= 0 && value < 1))
      throw std::invalid_argument("the sparsity of " + name + " must be in [0, 1)");
    bool found = false;
    for (size_t g = 0; g < groups.size(); ++g) {
      const std::string& n = groups[g].name;
      if (n == name || (n.size() > name.size() && n.compare(0, name.size(), name) == 0 && n[name.size()] == '[')) {
        s[g] = value;
        found = true;
      }
    }
    if (!found) {
      std::string names;
      for (const PruneGroup& g : groups) names += (names.empty() ? "" : ", ") + g.name;
      throw std::invalid_argument("no weight matrix named " + name + " (" + names + ")");
    }
  }
  // zeros wanted = total * N; fixed groups give sum s_g n_g; the free ones share the rest.
  double n_all = 0, n_free = 0, zeros_fixed = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    const double n = static_cast<double>(groups[g].indices.size());
    n_all += n;
    if (s[g] < 0) n_free += n;
    else zeros_fixed += s[g] * n;
  }
  const double free_s = n_free > 0 ? (total * n_all - zeros_fixed) / n_free : 0.0;
  if (n_free > 0 && (free_s < 0 || free_s >= 1))
    throw std::invalid_argument("the fixed sparsities leave no way to reach " + std::to_string(total) +
                                " overall (the other matrices would need " + std::to_string(free_s) + ")");
  for (double& v : s)
    if (v < 0) v = free_s;
  return s;
}

double PolynomialSparsity(double initial, double final_sparsity, double progress) {
  const double p = std::min(1.0, std::max(0.0, progress));
  const double r = 1 - p;
  return final_sparsity + (initial - final_sparsity) * r * r * r;
}

PruneResult Prune(const Model& trained, const WindowSet& train, const WindowSet& validation,
                  const PruneOptions& o, const std::function<void(const PruneEpoch&)>& on_epoch,
                  const std::atomic<bool>* stop) {
  if (!(o.final_sparsity >= 0 && o.final_sparsity < 1)) throw std::invalid_argument("the sparsity must be in [0, 1)");
  if (!(o.initial_sparsity >= 0 && o.initial_sparsity <= o.final_sparsity))
    throw std::invalid_argument("the initial sparsity must be in [0, final sparsity]");
  if (o.update_every < 1) throw std::invalid_argument("masks must be updated at least every step");
  if (o.block < 1 || o.block > 64) throw std::invalid_argument("the block must be 1..64 columns");
  const auto start = std::chrono::steady_clock::now();
  train::Trainer trainer(trained, train, validation, o.train);
  const std::vector<PruneGroup> groups = PruneGroups(trained, o.per_gate, o.prune_dense);
  const std::vector<double> final_s = AllocateSparsity(groups, o.final_sparsity, o.fixed_sparsity);
  // Every group follows the same cubic ramp towards its own final sparsity.
  const auto at = [&](double progress) {
    std::vector<double> s(groups.size());
    for (size_t g = 0; g < groups.size(); ++g)
      s[g] = PolynomialSparsity(std::min(o.initial_sparsity, final_s[g]), final_s[g], progress);
    return s;
  };
  std::vector<float>& params = trainer.parameters();
  std::vector<uint8_t>& mask = trainer.mask();
  mask.assign(params.size(), 1);
  const auto mask_to = [&](const std::vector<double>& s) { MagnitudeMaskBlocks(groups, s, o.block, &params, &mask); };

  PruneResult result;
  result.groups = groups;
  result.group_sparsity = final_s;
  result.dense_val_mape = trainer.Evaluate(validation).mape;
  if (o.schedule == PruneSchedule::kOneShot || o.prune_epochs == 0) {
    mask_to(final_s);
  } else {
    const size_t t0 = trainer.global_step();
    const double ramp = static_cast<double>(o.prune_epochs) * static_cast<double>(trainer.steps_per_epoch());
    mask_to(at(0));
    const double lr = o.train.learning_rate;
    for (uint32_t e = 1; e <= o.prune_epochs; ++e) {
      const auto t = std::chrono::steady_clock::now();
      const double loss = trainer.TrainEpoch([lr](size_t) { return lr; }, stop, [&](size_t step) {
        const size_t s = step - t0;
        if (s % o.update_every == 0)
          mask_to(at(static_cast<double>(s) / ramp));
      });
      if (loss < 0) {
        result.interrupted = true;
        break;
      }
      if (e == o.prune_epochs) mask_to(final_s);
      PruneEpoch r{"prune", e, GroupSparsity(groups, params), loss, trainer.Evaluate(validation).mape, Seconds(t)};
      result.history.push_back(r);
      if (on_epoch) on_epoch(r);
    }
  }
  result.pruned_val_mape = trainer.Evaluate(validation).mape;
  if (result.interrupted) {
    // The ramp did not finish: nothing at the requested sparsity exists to return.
    result.model = trainer.CurrentModel();
    result.seconds = Seconds(start);
    result.epochs = static_cast<uint32_t>(result.history.size());
    return result;
  }
  const train::TrainResult ft = trainer.Fit(
      [&](const train::EpochReport& r) {
        PruneEpoch p{"fine-tune", r.epoch, GroupSparsity(groups, trainer.parameters()), r.train_loss, r.val_mape,
                     r.seconds};
        result.history.push_back(p);
        if (on_epoch) on_epoch(p);
      },
      stop);
  result.model = ft.model;
  result.final_val_mape = ft.best_epoch > 0 ? ft.best_val_mape : result.pruned_val_mape;
  result.interrupted = ft.interrupted;
  result.seconds = Seconds(start);
  result.epochs = static_cast<uint32_t>(result.history.size());
  return result;
}

std::vector<SensitivityRow> MeasureSensitivity(const Model& trained, const WindowSet& train,
                                               const WindowSet& validation, const std::vector<double>& sparsities,
                                               bool per_gate) {
  train::TrainOptions o;
  train::Trainer trainer(trained, train, validation, o);
  const std::vector<float> dense = trainer.parameters();
  const double base = trainer.Evaluate(validation).mape;
  std::vector<SensitivityRow> rows;
  for (const PruneGroup& g : PruneGroups(trained, per_gate, /*prune_dense=*/true)) {
    for (double s : sparsities) {
      std::vector<float> p = dense;
      std::vector<uint8_t> mask;
      MagnitudeMask({g}, {s}, &p, &mask);
      trainer.parameters() = p;
      const double mape = trainer.Evaluate(validation).mape;
      rows.push_back({g.name, s, mape, mape - base});
    }
  }
  trainer.parameters() = dense;
  return rows;
}

}  // namespace shelfcast::compress
