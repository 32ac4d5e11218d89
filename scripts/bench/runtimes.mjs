// The runtimes the benchmark compares, behind one small interface, and the rows it
// measures. Adding a row (a new shelfcast encoding, a peer's int8 path) is one line in
// ROWS; a new runtime is one adapter in RUNTIMES. Runtimes named shelfcast* are ours (the
// kiosk engine and the core engine): never peers in the report's ratios.
//
// Adapter: { label, packages (npm names, for versions), files() (what a browser user
// downloads: JS + wasm), async init(), async load(assets, batch) -> { run(raw, n) ->
// Float32Array | Promise<Float32Array> of n forecasts in sales units, dispose() } }.
// `raw` holds n windows of raw sales, row-major. shelfcast takes them as they are and
// normalises inside; the peers run the ONNX "core" graph (or its TFLite/TF.js twin) on
// inputs normalised and laid out beforehand, outside the timed call, so a peer never pays
// for work shelfcast does in its own time. Every call copies its input into the runtime
// and reads its output back, as an application would.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import vm from 'node:vm';

import { lstmWeightsFromOnnx } from '../../tests/golden/onnx_wire.mjs';
import { unrolledLstmTflite } from './tflite.mjs';

const require = createRequire(import.meta.url);
export const root = resolve(new URL('../..', import.meta.url).pathname);
// Package folders (not require.resolve: some packages do not export package.json).
const pkgDir = (name) => join(root, 'node_modules', name);
export const pkgVersion = (name) => JSON.parse(readFileSync(join(pkgDir(name), 'package.json'), 'utf8')).version;

// Normalised inputs in the layouts the peers take.
function normalised(raw, n, T, norm, timeMajor) {
  const x = new Float32Array(n * T);
  for (let i = 0; i < n; i++)
    for (let t = 0; t < T; t++) x[timeMajor ? t * n + i : i * T + t] = (raw[i * T + t] - norm.offset) / norm.scale;
  return x;
}
const denormalise = (y, norm) => Float32Array.from(y, (v) => v * norm.scale + norm.offset);

// Runs fn with console output muted: LiteRT logs its environment setup (and, under Node,
// a failed WebGPU probe) on every load, which would bury the benchmark's own output.
async function quietly(fn) {
  const saved = [console.log, console.warn, console.error, console.info];
  console.log = console.warn = console.error = console.info = () => {};
  try {
    return await fn();
  } finally {
    [console.log, console.warn, console.error, console.info] = saved;
  }
}

export const RUNTIMES = {
  shelfcast: {
    label: 'shelfcast',
    packages: [],
    files: () => ['shelfcast.js', 'shelfcast-common.js', 'shelfcast-engine.js', 'shelfcast-engine.wasm'].map((f) => join(distDir(), f)),
    // The kiosk engine: no data tools (they are in shelfcast-engine-data, docs/size.md).
    async init() {
      const { loadEngine } = await import(join(distDir(), 'shelfcast.js'));
      this.engine = await loadEngine();
    },
    async load(assets) {
      const model = this.engine.loadModel(readFileSync(assets.shcf));
      return { run: (raw) => model.forecastBatch(raw), dispose: () => model.dispose(), kernels: model.info.kernels };
    },
  },

  // The core engine (shelfcast-core.js and the shelfcast-common.js it imports + .wasm): the
  // same runtime and kernels behind a C ABI, forecasts only, no Emscripten glue: what a
  // kiosk that only forecasts downloads.
  'shelfcast-core': {
    label: 'shelfcast-core',
    packages: [],
    files: () => ['shelfcast-core.js', 'shelfcast-common.js', 'shelfcast-core.wasm'].map((f) => join(distDir(), f)),
    async init() {
      const { loadCore } = await import(join(distDir(), 'shelfcast-core.js'));
      this.core = await loadCore();
    },
    async load(assets) {
      const model = this.core.loadModel(readFileSync(assets.shcf));
      return { run: (raw) => model.forecastBatch(raw), dispose: () => model.dispose() };
    },
  },

  'onnxruntime-web': {
    label: 'onnxruntime-web',
    packages: ['onnxruntime-web'],
    // What `import 'onnxruntime-web/wasm'` pulls into a page: the bundle with its glue, and the SIMD wasm.
    files: () => ['dist/ort.wasm.bundle.min.mjs', 'dist/ort-wasm-simd-threaded.wasm'].map((f) => join(pkgDir('onnxruntime-web'), f)),
    async init() {
      this.ort = await import('onnxruntime-web');
      this.ort.env.wasm.numThreads = 1;
      this.ort.env.logLevel = 'error';
    },
    async load(assets) {
      const ort = this.ort;
      const session = await ort.InferenceSession.create(readFileSync(assets.onnxCore), {
        executionProviders: ['wasm'], graphOptimizationLevel: 'all',
      });
      const { window: T, norm } = assets;
      return {
        async: true,
        prepare: (raw, n) => normalised(raw, n, T, norm, true),
        run: async (x, n) => {
          const out = await session.run({ x: new ort.Tensor('float32', x, [T, n, 1]) });
          return denormalise(out.y.data, norm);
        },
        dispose: () => session.release(),
      };
    },
  },

  litert: {
    label: 'LiteRT.js',
    packages: ['@litertjs/core'],
    // Node 20 has no relaxed SIMD, so LiteRT picks its "compat" build; a browser with
    // relaxed SIMD downloads litert_wasm_internal.* instead (about the same size).
    files: () => ['dist/index.js', 'wasm/litert_wasm_compat_internal.js', 'wasm/litert_wasm_compat_internal.wasm']
      .map((f) => join(pkgDir('@litertjs/core'), f))
      .concat([join(pkgDir('@litertjs/wasm-utils'), 'dist/index.js')]),
    async init() {
      // LiteRT's loader is written for browsers: it runs its Emscripten glue with
      // importScripts() and reads globals off `self`. These shims exist only while it
      // loads, so the other runtimes in this process do not think they run in a worker.
      const litert = await import('@litertjs/core');
      globalThis.self = globalThis;
      globalThis.navigator = {};
      globalThis.importScripts = (url) => {
        const src = readFileSync(url, 'utf8');
        const fn = vm.runInThisContext(
          `(function (require, __dirname, __filename) {\n${src}\n;globalThis.ModuleFactory = ModuleFactory; })`,
          { filename: url });
        fn(require, dirname(url), url);
      };
      try {
        await quietly(() => litert.loadLiteRt(join(pkgDir('@litertjs/core'), 'wasm') + '/'));
      } finally {
        delete globalThis.importScripts;
        delete globalThis.self;
        delete globalThis.navigator;
      }
      this.litert = litert;
    },
    async load(assets, batch) {
      const litert = this.litert;
      const { window: T, norm } = assets;
      const bytes = unrolledLstmTflite(assets.weights, { window: T, batch });
      const model = await quietly(() => litert.loadAndCompile(bytes, { accelerator: 'wasm', cpuOptions: { numThreads: 1 } }));
      return {
        async: true,
        bytes: bytes.length,
        prepare: (raw, n) => normalised(raw, n, T, norm, true),
        run: async (x, n) => {
          const input = new litert.Tensor(x, [T, n, 1]);
          const [out] = await model.run([input]);
          const y = denormalise(out.toTypedArray(), norm);
          input.delete();
          out.delete();
          return y;
        },
        dispose: () => model.delete(),
      };
    },
  },

  'tfjs-wasm': {
    label: 'TF.js (wasm)',
    packages: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'],
    files: () => [join(pkgDir('@tensorflow/tfjs'), 'dist/tf.min.js'),
      join(pkgDir('@tensorflow/tfjs-backend-wasm'), 'dist/tf-backend-wasm.min.js'),
      join(pkgDir('@tensorflow/tfjs-backend-wasm'), 'dist/tfjs-backend-wasm-simd.wasm')],
    // The least a page can load to run an LSTM layer: core + layers (no converter, no
    // data) + the wasm backend, ES module builds.
    minimalLabel: 'tfjs-wasm (core + layers only)',
    minimalFiles: () => [join(pkgDir('@tensorflow/tfjs-core'), 'dist/tf-core.fesm.min.js'),
      join(pkgDir('@tensorflow/tfjs-layers'), 'dist/tf-layers.fesm.min.js'),
      join(pkgDir('@tensorflow/tfjs-backend-wasm'), 'dist/tf-backend-wasm.fesm.min.js'),
      join(pkgDir('@tensorflow/tfjs-backend-wasm'), 'dist/tfjs-backend-wasm-simd.wasm')],
    async init() {
      const tf = await import('@tensorflow/tfjs');
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(join(pkgDir('@tensorflow/tfjs-backend-wasm'), 'dist') + '/');
      wasm.setThreadsCount?.(1);
      await tf.setBackend('wasm');
      await tf.ready();
      this.tf = tf;
    },
    async load(assets) {
      const tf = this.tf;
      const { window: T, norm, weights: w } = assets;
      const H = w.hidden, d = w.dense[0];
      const model = tf.sequential();
      // recurrentActivation defaults to hardSigmoid in TF.js: 'sigmoid' computes the Keras/ONNX LSTM.
      // Zero initialisers: the weights are set right after, and TF.js's default orthogonal
      // initialiser is slow for LSTM-64 and warns about it.
      const zeros = { kernelInitializer: 'zeros', recurrentInitializer: 'zeros', biasInitializer: 'zeros' };
      model.add(tf.layers.lstm({ units: H, inputShape: [T, 1], recurrentActivation: 'sigmoid', activation: 'tanh', ...zeros }));
      model.add(tf.layers.dense({ units: 1, kernelInitializer: 'zeros' }));
      model.setWeights([tf.tensor2d(w.kernel, [1, 4 * H]), tf.tensor2d(w.recurrent, [H, 4 * H]), tf.tensor1d(w.bias),
        tf.tensor2d(d.kernel, [H, 1]), tf.tensor1d(d.bias)]);
      return {
        prepare: (raw, n) => normalised(raw, n, T, norm, false),
        run: (x, n) => {
          const y = tf.tidy(() => model.predict(tf.tensor3d(x, [n, T, 1])).dataSync());
          return denormalise(y, norm);
        },
        dispose: () => model.dispose(),
      };
    },
  },
};

function distDir() {
  return process.env.SHELFCAST_DIST ?? join(root, 'build/wasm/dist');
}

// The rows of every table. `model` names the model variant a row needs: the benchmark
// looks for lstm<H>.shcf (float) or lstm<H>-<model>.shcf in the models folder and skips
// the row when the file is absent. `baseline` marks the row every ratio divides by.
export const ROWS = [
  { id: 'shelfcast-float', runtime: 'shelfcast', model: 'float', label: 'shelfcast, float', baseline: true },
  { id: 'shelfcast-sparse', runtime: 'shelfcast', model: 'sparse', label: 'shelfcast, sparse' },
  { id: 'shelfcast-int8', runtime: 'shelfcast', model: 'int8', label: 'shelfcast, int8' },
  { id: 'shelfcast-stacked', runtime: 'shelfcast', model: 'stacked', label: 'shelfcast, 2-layer float' },
  { id: 'core-float', runtime: 'shelfcast-core', model: 'float', label: 'shelfcast-core, float' },
  { id: 'core-int8', runtime: 'shelfcast-core', model: 'int8', label: 'shelfcast-core, int8' },
  { id: 'ort-float', runtime: 'onnxruntime-web', model: 'float', label: 'onnxruntime-web, LSTM float' },
  { id: 'ort-int8', runtime: 'onnxruntime-web', model: 'int8', label: 'onnxruntime-web, DynamicQuantizeLSTM int8' },
  { id: 'litert-float', runtime: 'litert', model: 'float', label: 'LiteRT.js, unrolled float' },
  { id: 'tfjs-float', runtime: 'tfjs-wasm', model: 'float', label: 'TF.js wasm, LSTM layer float' },
];

// The files of one model variant in the models folder, or null when absent:
// { shcf, onnxCore, weights (Keras layout, float models only), window, norm, fileBytes }.
export function modelAssets(dir, hidden, variant) {
  const base = variant === 'float' ? `lstm${hidden}` : `lstm${hidden}-${variant}`;
  const shcf = join(dir, `${base}.shcf`);
  const onnxCore = join(dir, `${base}.core.onnx`);
  if (!existsSync(shcf) || !existsSync(onnxCore)) return null;
  const cli = process.env.SHELFCAST_NATIVE_CLI ?? join(root, 'build/native/src/cli/shelfcast');
  const info = JSON.parse(execFileSync(cli, ['inspect', shcf, '--json']).toString());
  let weights = null;
  try {
    weights = lstmWeightsFromOnnx(readFileSync(onnxCore));
  } catch {
    weights = null;  // no float LSTM node (int8): rows that rebuild the model from float weights skip it
  }
  // The peers get inputs normalised outside their timed call with one (offset, scale);
  // window-mean and calendar models would need per-window inputs they are not given.
  const peers = info.normalisation.kind === 'global' && info.input_features === 1;
  return {
    shcf, onnxCore, weights, peers, window: info.window, fileBytes: info.file_bytes,
    norm: { offset: info.normalisation.offset, scale: info.normalisation.scale },
  };
}
