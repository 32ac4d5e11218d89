// Keras import against an independent implementation: a Keras file written by the test
// tool (seeded random weights), imported by `shelfcast import keras`, forecast by the wasm
// engine, must equal TensorFlow.js layers (cpu backend) running the same weights.
// Tolerance 1e-5 relative (floor 1e-5 absolute): both compute in float32 with different
// summation orders and exp/tanh implementations; the largest difference observed is 4e-8.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { distModule, nativeBuildFile, nativeCli } from './helpers.mjs';

const { loadEngine } = await import(distModule('shelfcast.js'));
const engine = await loadEngine();
await tf.setBackend('cpu');
const cli = nativeCli();
const writer = nativeBuildFile('tests/unit/interop/keras/shelfcast_keras_test_writer');
const dir = mkdtempSync(join(tmpdir(), 'shelfcast-keras-tfjs-'));

function tfjsModel(w) {
  const model = tf.sequential();
  const weights = [];
  const lstmCount = w.layers.filter((l) => l.kind === 'lstm').length;
  w.layers.forEach((l, i) => {
    const first = i === 0 ? { inputShape: [w.window, w.features] } : {};
    if (l.kind === 'lstm') {
      // TF.js' recurrentActivation defaults to hardSigmoid: always set it.
      const recurrentActivation = w.recurrent_activation === 'hard_sigmoid' ? 'hardSigmoid' : w.recurrent_activation;
      model.add(tf.layers.lstm({ units: l.units, activation: 'tanh', recurrentActivation, returnSequences: i + 1 < lstmCount, ...first }));
      const inputs = l.kernel.length / (4 * l.units);
      weights.push(tf.tensor2d(l.kernel, [inputs, 4 * l.units]), tf.tensor2d(l.recurrent_kernel, [l.units, 4 * l.units]),
        tf.tensor1d(l.bias));
    } else {
      model.add(tf.layers.dense({ units: l.units, activation: l.activation, ...first }));
      weights.push(tf.tensor2d(l.kernel, [l.kernel.length / l.units, l.units]), tf.tensor1d(l.bias));
    }
  });
  model.setWeights(weights);
  return model;
}

const cases = [
  ['Keras 3 .keras: 2 stacked LSTM + Dense(8, relu) + Dense(1)', 'stacked.keras', ['--lstm', '12,8', '--dense', '8:relu', '--seed', '11']],
  ['Keras 2 .h5: LSTM(16) + Dense(1)', 'single.h5', ['--lstm', '16', '--seed', '12']],
  ['Keras 2 .h5: LSTM(8, hard_sigmoid) + Dense(4, tanh) + Dense(1)', 'hard.h5', ['--lstm', '8', '--dense', '4:tanh', '--recurrent', 'hard_sigmoid', '--seed', '13']],
];

for (const [name, file, args] of cases) {
  test(`${name}: imported forecasts equal TensorFlow.js on the same weights`, () => {
    const keras = join(dir, file);
    const weightsJson = join(dir, `${file}.json`);
    execFileSync(writer, [keras, ...args, '--window', '30', '--weights-json', weightsJson]);
    const shcf = join(dir, `${file}.shcf`);
    // Default normalisation (global, offset 0, scale 1): the windows go in as they are.
    execFileSync(cli, ['import', 'keras', keras, '--out', shcf]);
    const model = engine.loadModel(readFileSync(shcf));
    const w = JSON.parse(readFileSync(weightsJson, 'utf8'));
    const reference = tfjsModel(w);

    const n = 6;
    const windows = new Float32Array(n * 30);
    for (let i = 0; i < windows.length; i++) windows[i] = Math.fround(2 * Math.sin(i * 0.37) + 0.5 * Math.cos(i * 1.9));
    const ours = model.forecastBatch(windows, { horizon: 1 });
    const theirs = reference.predict(tf.tensor3d(windows, [n, 30, 1])).dataSync();
    for (let i = 0; i < n; i++) {
      const tol = 1e-5 * Math.max(1, Math.abs(theirs[i]));
      assert.ok(Math.abs(ours[i] - theirs[i]) <= tol, `window ${i}: shelfcast ${ours[i]} vs TF.js ${theirs[i]}`);
    }
    model.dispose();
  });
}
