// Generates tests/golden/lstm_tfjs_golden.json: LSTM + Dense(1) forecasts computed by an
// independent implementation, TensorFlow.js layers (cpu backend, float32), from seeded
// random weights. The C++ test (tests/unit/lstm/golden_test.cpp) loads the same weights
// into shelfcast and must match within 1e-5 relative.
//
//   node tests/golden/make_lstm_golden.mjs      (rewrites the JSON; commit the result)
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { mulberry32 } from '../../scripts/lib/random.mjs';

await tf.setBackend('cpu');

const b64 = (f32) => Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString('base64');

const T = 30, offset = 52, scale = 28;
const cases = [];
for (const [hidden, recurrentActivation] of [[3, 'sigmoid'], [16, 'sigmoid'], [64, 'sigmoid'], [16, 'hardSigmoid']]) {
  const rand = mulberry32(1000 + hidden);
  const uniform = (n, lim) => Float32Array.from({ length: n }, () => (2 * rand() - 1) * lim);
  const kernel = uniform(4 * hidden, 0.5);
  const recurrent = uniform(hidden * 4 * hidden, 0.3);
  const bias = uniform(4 * hidden, 0.2);
  const denseKernel = uniform(hidden, 0.4);
  const denseBias = uniform(1, 0.1);

  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: hidden, inputShape: [T, 1], recurrentActivation, activation: 'tanh' }));
  model.add(tf.layers.dense({ units: 1 }));
  model.setWeights([
    tf.tensor2d(kernel, [1, 4 * hidden]),
    tf.tensor2d(recurrent, [hidden, 4 * hidden]),
    tf.tensor1d(bias),
    tf.tensor2d(denseKernel, [hidden, 1]),
    tf.tensor1d(denseBias),
  ]);

  const n = 8;
  const windows = new Float32Array(n * T);
  for (let i = 0; i < windows.length; i++) windows[i] = Math.round(120 * rand());
  const normalised = windows.map((x) => (x - offset) / scale);
  const y = model.predict(tf.tensor3d(normalised, [n, T, 1])).dataSync();
  const outputs = Float32Array.from(y, (v) => v * scale + offset);
  cases.push({
    hidden, window: T, recurrent_activation: recurrentActivation === 'hardSigmoid' ? 'hard_sigmoid' : 'sigmoid',
    norm_offset: offset, norm_scale: scale,
    kernel: b64(kernel), recurrent_kernel: b64(recurrent), bias: b64(bias),
    dense_kernel: b64(denseKernel), dense_bias: b64(denseBias),
    windows: b64(windows), outputs: b64(outputs),
  });
}

const out = new URL('./lstm_tfjs_golden.json', import.meta.url);
writeFileSync(out, JSON.stringify({
  generator: 'tests/golden/make_lstm_golden.mjs', implementation: `@tensorflow/tfjs ${tf.version.tfjs} (cpu backend)`,
  encoding: 'arrays are base64 of little-endian float32', cases,
}, null, 1) + '\n');
console.log(`wrote ${out.pathname}`);
