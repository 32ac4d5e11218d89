#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <Eigen/Core>
#include <Eigen/QR>

#include "eval/metrics.h"
#include "lstm/features.h"
#include "train/network.h"
#include "train/random.h"

namespace shelfcast::train {

const char* LossName(LossKind loss) {
  switch (loss) {
    case LossKind::kMse: return "mse";
    case LossKind::kMape: return "mape";
    case LossKind::kRelativeMse: return "rel-mse";
  }
  return "unknown";
}

LossKind ParseLoss(const std::string& name) {
  if (name == "mse") return LossKind::kMse;
  if (name == "mape") return LossKind::kMape;
  if (name == "rel-mse") return LossKind::kRelativeMse;
  throw std::invalid_argument("unknown loss '" + name + "' (mse, mape, rel-mse)");
}

void InitializeModel(Model* model, uint64_t seed) {
  Random rng(seed);
  for (Layer& layer : model->layers) {
    for (Tensor& t : layer.tensors) {
      t.encoding = Encoding::kF32;
      t.dense.assign(t.size(), 0.f);
      if (t.role == TensorRole::kKernel) {
        // Glorot uniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out)).
        const double limit = std::sqrt(6.0 / (t.rows + t.cols));
        for (float& v : t.dense) v = static_cast<float>(rng.Uniform(-limit, limit));
      } else if (t.role == TensorRole::kRecurrentKernel) {
        // Orthogonal (Saxe et al. 2014, Keras' default): the rows of U [H x 4H] are
        // orthonormal, from the QR decomposition of a Gaussian 4H x H matrix.
        Eigen::MatrixXd g(t.cols, t.rows);
        for (Eigen::Index j = 0; j < g.cols(); ++j)
          for (Eigen::Index i = 0; i < g.rows(); ++i) g(i, j) = rng.Normal();
        Eigen::HouseholderQR<Eigen::MatrixXd> qr(g);
        Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(t.cols, t.rows);
        // Sign fix so the result is uniformly distributed (multiply by sign(diag R)).
        const Eigen::MatrixXd r = qr.matrixQR();
        for (Eigen::Index j = 0; j < q.cols(); ++j)
          if (r(j, j) < 0) q.col(j) *= -1.0;
        for (uint32_t row = 0; row < t.rows; ++row)
          for (uint32_t col = 0; col < t.cols; ++col)
            t.dense[static_cast<size_t>(row) * t.cols + col] = static_cast<float>(q(col, row));
      }
    }
    if (layer.kind == LayerKind::kLstm) {
      Tensor& bias = *layer.Find(TensorRole::kBias);
      for (uint32_t j = layer.units; j < 2 * layer.units; ++j) bias.dense[j] = 1.f;  // unit forget bias
    }
  }
}

namespace {

// A second thread that runs one job at a time for the caller.
class Worker {
 public:
  Worker() : thread_([this] { Loop(); }) {}
  ~Worker() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void Start(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      job_ = std::move(job);
      done_ = false;
    }
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return done_; });
    if (error_) {
      std::exception_ptr e = error_;
      error_ = nullptr;
      std::rethrow_exception(e);
    }
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return quit_ || job_; });
      if (quit_) return;
      std::function<void()> job = std::move(job_);
      job_ = nullptr;
      lock.unlock();
      try {
        job();
      } catch (...) {
        lock.lock();
        error_ = std::current_exception();
        lock.unlock();
      }
      lock.lock();
      done_ = true;
      cv_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::function<void()> job_;
  bool done_ = true, quit_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

struct Trainer::Impl {
  Model model;
  const WindowSet& train;
  const WindowSet& validation;
  TrainOptions options;
  uint32_t steps = 0, features = 0;
  std::vector<WindowScale> train_scale, val_scale;
  std::vector<float> params, grad, adam_m, adam_v;
  std::vector<uint8_t> mask;
  size_t step = 0;
  Random rng;
  std::unique_ptr<Worker> worker;

  // One half of a batch: its own network workspace, inputs and gradient.
  struct Shard {
    explicit Shard(const Model& m) : net(m) {}
    Network<float> net;
    std::vector<float> x, y, dy, grad;
    double loss = 0;
    std::vector<float> forecasts;
  };
  Shard shard[2];

  Impl(const Model& m, const WindowSet& t, const WindowSet& v, const TrainOptions& o)
      : model(m), train(t), validation(v), options(o), rng(o.seed ^ 0x5EEDull), shard{Shard(m), Shard(m)} {}

  // x[t][b][f] for the examples idx[0..m) of `set`, exactly as the Forecaster builds them.
  void BuildInputs(const WindowSet& set, const std::vector<WindowScale>& scale, const size_t* idx, size_t m,
                   std::vector<float>* x) const {
    x->resize(static_cast<size_t>(steps) * m * features);
    for (size_t b = 0; b < m; ++b) {
      const size_t i = idx[b];
      const float* sales = set.input(i);
      for (uint32_t t = 0; t < steps; ++t) {
        float* xt = x->data() + (static_cast<size_t>(t) * m + b) * features;
        xt[0] = scale[i].Normalise(sales[t]);
        if (features > 1)
          WriteCalendarFeatures(model.calendar,
                                set.target_days[i] - static_cast<DayNumber>(steps) + static_cast<DayNumber>(t),
                                xt + 1);
      }
    }
  }

  // Loss of one example and dLoss/dy (y the model's normalised output). See LossKind.
  double Loss(float y, const WindowScale& s, float actual, float* dloss_dy) const {
    switch (options.loss) {
      case LossKind::kMse: {
        const double e = y - static_cast<double>(s.Normalise(actual));
        *dloss_dy = static_cast<float>(2 * e);
        return e * e;
      }
      case LossKind::kMape: {
        const double f = s.Denormalise(y), w = 1.0 / std::max(1.0, static_cast<double>(actual));
        const double e = f - actual;
        *dloss_dy = static_cast<float>((e > 0 ? 1 : e < 0 ? -1 : 0) * s.scale * w);
        return std::abs(e) * w;
      }
      case LossKind::kRelativeMse: {
        const double f = s.Denormalise(y), w = 1.0 / std::max(1.0, static_cast<double>(actual));
        const double e = f - actual;
        *dloss_dy = static_cast<float>(2 * e * w);
        return e * e * w / s.scale;
      }
    }
    return 0;
  }

  // Forward (+ backward when train) of examples idx[0..m) into shard k. dy is scaled by
  // 1/batch so the two shards' gradients sum to the gradient of the batch's mean loss.
  void RunShard(int k, const WindowSet& set, const std::vector<WindowScale>& scale, const size_t* idx, size_t m,
                size_t batch, bool backward) {
    Shard& s = shard[k];
    s.loss = 0;
    s.forecasts.resize(m);
    if (m == 0) return;
    BuildInputs(set, scale, idx, m, &s.x);
    s.y.resize(m);
    s.net.Forward(params.data(), m, s.x.data(), s.y.data());
    s.dy.resize(m);
    for (size_t b = 0; b < m; ++b) {
      float d = 0.f;
      s.loss += Loss(s.y[b], scale[idx[b]], set.targets[idx[b]], &d);
      s.dy[b] = d / static_cast<float>(batch);
      s.forecasts[b] = scale[idx[b]].Denormalise(s.y[b]);
    }
    if (!backward) return;
    s.grad.assign(params.size(), 0.f);
    s.net.Backward(s.dy.data(), s.grad.data());
  }

  // Both halves of idx[0..m), on two threads when allowed. The split point depends on m
  // only, never on the thread count.
  void RunBatch(const WindowSet& set, const std::vector<WindowScale>& scale, const size_t* idx, size_t m,
                bool backward) {
    const size_t m0 = (m + 1) / 2;
    if (worker) {
      worker->Start([&] { RunShard(1, set, scale, idx + m0, m - m0, m, backward); });
      RunShard(0, set, scale, idx, m0, m, backward);
      worker->Wait();
    } else {
      RunShard(0, set, scale, idx, m0, m, backward);
      RunShard(1, set, scale, idx + m0, m - m0, m, backward);
    }
  }

  void ApplyMask(std::vector<float>* v) const {
    if (mask.empty()) return;
    for (size_t i = 0; i < v->size(); ++i)
      if (!mask[i]) (*v)[i] = 0.f;
  }

  // Adam (Kingma & Ba 2015) in Keras' form:
  //   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2
  //   p -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
  // after scaling g to a global L2 norm of at most clip_norm.
  void AdamStep(double lr) {
    ApplyMask(&grad);
    if (options.clip_norm > 0) {
      double sq = 0;
      for (float g : grad) sq += static_cast<double>(g) * g;
      const double norm = std::sqrt(sq);
      if (norm > options.clip_norm) {
        const float k = static_cast<float>(options.clip_norm / norm);
        for (float& g : grad) g *= k;
      }
    }
    ++step;
    const double b1 = options.adam_beta1, b2 = options.adam_beta2;
    const double lr_t = lr * std::sqrt(1 - std::pow(b2, static_cast<double>(step))) /
                        (1 - std::pow(b1, static_cast<double>(step)));
    const float lrf = static_cast<float>(lr_t), b1f = options.adam_beta1, b2f = options.adam_beta2;
    for (size_t i = 0; i < params.size(); ++i) {
      adam_m[i] = b1f * adam_m[i] + (1 - b1f) * grad[i];
      adam_v[i] = b2f * adam_v[i] + (1 - b2f) * grad[i] * grad[i];
      params[i] -= lrf * adam_m[i] / (std::sqrt(adam_v[i]) + options.adam_epsilon);
    }
    ApplyMask(&params);
  }

  size_t EpochExamples() const {
    const double k = std::ceil(options.sample_fraction * static_cast<double>(train.size()));
    return std::min(train.size(), std::max<size_t>(1, static_cast<size_t>(k)));
  }
};

Trainer::Trainer(const Model& initial, const WindowSet& train, const WindowSet& validation,
                 const TrainOptions& options) {
  if (options.batch < 1) throw std::invalid_argument("the batch size must be at least 1");
  if (options.epochs < 1) throw std::invalid_argument("the number of epochs must be at least 1");
  if (!(options.learning_rate > 0)) throw std::invalid_argument("the learning rate must be positive");
  if (!(options.sample_fraction > 0 && options.sample_fraction <= 1))
    throw std::invalid_argument("the sample fraction must be in (0, 1]");
  if (options.threads < 1 || options.threads > 2) throw std::invalid_argument("threads must be 1 or 2");
  if (train.size() == 0) throw std::invalid_argument("no training windows");
  if (train.horizon != 1 || validation.horizon != 1)
    throw std::invalid_argument("the trainer fits one-step-ahead forecasts: the windows must have horizon 1");
  if (validation.size() == 0) throw std::invalid_argument("no validation windows");
  if (train.window != initial.window || validation.window != initial.window)
    throw std::invalid_argument("the windows have " + std::to_string(train.window) + " days, the model needs " +
                                std::to_string(initial.window));
  impl_.reset(new Impl(initial, train, validation, options));
  Impl& m = *impl_;
  m.steps = initial.window;
  m.features = initial.input_features();
  m.params = FlattenParameters(initial);
  m.adam_m.assign(m.params.size(), 0.f);
  m.adam_v.assign(m.params.size(), 0.f);
  m.train_scale.resize(train.size());
  for (size_t i = 0; i < train.size(); ++i) m.train_scale[i] = ScaleForWindow(initial, train.input(i), train.window);
  m.val_scale.resize(validation.size());
  for (size_t i = 0; i < validation.size(); ++i)
    m.val_scale[i] = ScaleForWindow(initial, validation.input(i), validation.window);
  if (options.threads == 2) m.worker.reset(new Worker);
}

Trainer::~Trainer() = default;

size_t Trainer::steps_per_epoch() const {
  const size_t b = impl_->options.batch;
  return (impl_->EpochExamples() + b - 1) / b;
}

std::vector<float>& Trainer::parameters() { return impl_->params; }
std::vector<uint8_t>& Trainer::mask() { return impl_->mask; }
size_t Trainer::global_step() const { return impl_->step; }

Model Trainer::CurrentModel() const {
  Model m = impl_->model;
  StoreParameters(impl_->params, &m);
  return m;
}

double Trainer::TrainEpoch(const std::function<double(size_t)>& lr, const std::atomic<bool>* stop,
                           const std::function<void(size_t)>& after_step) {
  Impl& m = *impl_;
  std::vector<size_t> order(m.train.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  m.rng.Shuffle(&order);
  order.resize(m.EpochExamples());
  double loss = 0;
  for (size_t at = 0; at < order.size(); at += m.options.batch) {
    if (stop && stop->load()) return -1;
    const size_t n = std::min<size_t>(m.options.batch, order.size() - at);
    m.RunBatch(m.train, m.train_scale, order.data() + at, n, /*backward=*/true);
    m.grad = m.shard[0].grad;
    if (n > 1)
      for (size_t i = 0; i < m.grad.size(); ++i) m.grad[i] += m.shard[1].grad[i];
    loss += m.shard[0].loss + m.shard[1].loss;
    m.AdamStep(lr(m.step));
    if (after_step) after_step(m.step);
  }
  return loss / static_cast<double>(order.size());
}

Trainer::Score Trainer::Evaluate(const WindowSet& set) {
  Impl& m = *impl_;
  std::vector<WindowScale> own;
  const std::vector<WindowScale>* scale = &m.val_scale;
  if (&set == &m.train) {
    scale = &m.train_scale;
  } else if (&set != &m.validation) {
    own.resize(set.size());
    for (size_t i = 0; i < set.size(); ++i) own[i] = ScaleForWindow(m.model, set.input(i), set.window);
    scale = &own;
  }
  // Chunks large enough to amortise the per-step GEMM calls.
  constexpr size_t kChunk = 1024;
  std::vector<size_t> idx(set.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::vector<float> forecasts(set.size());
  double loss = 0;
  for (size_t at = 0; at < set.size(); at += kChunk) {
    const size_t n = std::min(kChunk, set.size() - at);
    m.RunBatch(set, *scale, idx.data() + at, n, /*backward=*/false);
    const size_t n0 = (n + 1) / 2;
    std::copy(m.shard[0].forecasts.begin(), m.shard[0].forecasts.end(), forecasts.begin() + static_cast<std::ptrdiff_t>(at));
    std::copy(m.shard[1].forecasts.begin(), m.shard[1].forecasts.end(),
              forecasts.begin() + static_cast<std::ptrdiff_t>(at + n0));
    loss += m.shard[0].loss + m.shard[1].loss;
  }
  Score s;
  s.loss = loss / static_cast<double>(std::max<size_t>(1, set.size()));
  s.mape = ComputeMetrics(set.targets.data(), forecasts.data(), set.size()).mape;
  return s;
}

TrainResult Trainer::Fit(const std::function<void(const EpochReport&)>& on_epoch, const std::atomic<bool>* stop) {
  Impl& m = *impl_;
  const auto start = std::chrono::steady_clock::now();
  const size_t per_epoch = steps_per_epoch();
  const double total = static_cast<double>(per_epoch) * m.options.epochs;
  const double warmup = std::min(total, static_cast<double>(per_epoch) * m.options.warmup_epochs);
  const double lr0 = m.options.learning_rate, lr1 = std::min(m.options.min_learning_rate, m.options.learning_rate);
  const size_t first_step = m.step;
  // Linear warm-up, then cosine decay from lr0 to lr1 (Loshchilov & Hutter 2017, one cycle).
  auto lr = [=](size_t global) {
    const double s = static_cast<double>(global - first_step);
    if (s < warmup) return lr0 * (s + 1) / warmup;
    const double p = total > warmup ? std::min(1.0, (s - warmup) / (total - warmup)) : 1.0;
    return lr1 + (lr0 - lr1) * 0.5 * (1 + std::cos(3.141592653589793 * p));
  };

  TrainResult result;
  std::vector<float> best = m.params;
  result.best_val_mape = Evaluate(m.validation).mape;
  uint32_t since_best = 0;
  for (uint32_t epoch = 1; epoch <= m.options.epochs; ++epoch) {
    const auto t0 = std::chrono::steady_clock::now();
    const double train_loss = TrainEpoch(lr, stop);
    if (train_loss < 0) {
      result.interrupted = true;
      break;
    }
    const Score val = Evaluate(m.validation);
    EpochReport r;
    r.epoch = epoch;
    r.epochs = m.options.epochs;
    r.train_loss = train_loss;
    r.val_loss = val.loss;
    r.val_mape = val.mape;
    r.learning_rate = lr(m.step > 0 ? m.step - 1 : 0);
    r.seconds = Seconds(t0);
    if (val.mape < result.best_val_mape || result.best_epoch == 0) {
      r.best = true;
      result.best_val_mape = val.mape;
      result.best_epoch = epoch;
      best = m.params;
      since_best = 0;
    } else {
      ++since_best;
    }
    result.history.push_back(r);
    if (on_epoch) on_epoch(r);
    if (m.options.patience > 0 && since_best >= m.options.patience && epoch < m.options.epochs) {
      result.stopped_early = true;
      break;
    }
  }
  m.params = best;
  result.model = CurrentModel();
  result.seconds = Seconds(start);
  return result;
}

}  // namespace shelfcast::train
