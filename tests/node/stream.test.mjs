// Streams in the wasm engine: step() over a window equals forecast() over it bit for bit
// (same wasm kernels, same batch-1 path), saved states restore exactly and refuse what is
// not theirs, window-mean models refuse LSTM-state streams and offer window streams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distModule, nativeBuildFile, nativeCli } from './helpers.mjs';

const { loadEngine, ShelfcastError, dayNumber, isoDate } = await import(distModule('shelfcast.js'));
const engine = await loadEngine();
const cli = nativeCli();
const dir = mkdtempSync(join(tmpdir(), 'shelfcast-stream-'));

function initModel(name, args) {
  const file = join(dir, `${name}.shcf`);
  execFileSync(cli, ['init', '--out', file, ...args]);
  return engine.loadModel(readFileSync(file));
}

// A model through the Keras importer (2 stacked LSTM layers, window-mean, ...).
function kerasModel(name, writerArgs, importArgs = []) {
  const keras = join(dir, `${name}.keras`);
  const shcf = join(dir, `${name}.shcf`);
  execFileSync(nativeBuildFile('tests/unit/interop/keras/shelfcast_keras_test_writer'), [keras, ...writerArgs]);
  execFileSync(cli, ['import', 'keras', keras, '--out', shcf, ...importArgs]);
  return engine.loadModel(readFileSync(shcf));
}

function sales(n, seed) {
  return Array.from({ length: n }, (_, i) => Math.round(50 + 30 * Math.sin(seed + i * 0.7) + 10 * Math.cos(i * 2.3)));
}

const bits = (a) => Array.from(new Uint32Array(Float32Array.from(a).buffer));

test('an LSTM-state stream over the window equals forecast() bit for bit', () => {
  const models = [
    ['LSTM-16', initModel('m16', ['--hidden', '16', '--seed', '3']), null],
    ['LSTM-8 with calendar', initModel('cal', ['--hidden', '8', '--seed', '4', '--calendar', 'dow,month']), '2017-02-20'],
    ['2 stacked LSTM + Dense(8, relu)', kerasModel('stacked', ['--lstm', '12,8', '--dense', '8:relu', '--seed', '5'],
      ['--norm-offset', '50', '--norm-scale', '20']), null],
  ];
  for (const [name, model, firstDay] of models) {
    const values = sales(model.window, 7);
    const stream = model.stream();
    assert.equal(stream.kind, 'lstm-state');
    values.forEach((v, i) => stream.step(v, firstDay && i === 0 ? firstDay : undefined));
    assert.equal(stream.steps, model.window, name);
    const target = firstDay ? isoDate(dayNumber(firstDay) + model.window) : undefined;
    const expected = model.forecast(values, { date: target, horizon: 5 });
    assert.deepEqual(bits(stream.forecast(5)), bits(expected), name);
    assert.deepEqual(bits(stream.forecast(5)), bits(expected), `${name}: forecast() must not move the stream`);
    if (firstDay) assert.equal(stream.lastDate, isoDate(dayNumber(firstDay) + model.window - 1));
    stream.dispose();
  }
});

test('a state saved mid-stream continues exactly after setState on a new stream', () => {
  const model = initModel('m16', ['--hidden', '16', '--seed', '3']);
  const values = sales(75, 2);
  const uninterrupted = model.stream();
  values.forEach((v) => uninterrupted.step(v));
  for (const cut of [0, 10, 30, 61]) {
    const before = model.stream();
    values.slice(0, cut).forEach((v) => before.step(v));
    const saved = before.getState();
    assert.equal(saved.length, 32 + 2 * 16 * 4 + 4);
    before.dispose();
    const after = model.stream();               // as after a page reload
    after.setState(saved);
    assert.equal(after.steps, cut);
    values.slice(cut).forEach((v) => after.step(v));
    assert.deepEqual(bits(after.forecast(3)), bits(uninterrupted.forecast(3)), `cut ${cut}`);
    after.dispose();
  }
});

test('states that are not the stream\'s are refused and leave it unchanged', () => {
  const a = initModel('m16', ['--hidden', '16', '--seed', '3']);
  const b = initModel('m16b', ['--hidden', '16', '--seed', '9']);
  const s = a.stream();
  sales(40, 1).forEach((v) => s.step(v));
  const saved = s.getState();
  const other = b.stream();
  assert.throws(() => other.setState(saved), {
    name: 'ShelfcastError', message: /^this state was saved from another model \(model fingerprint [0-9a-f]{16}, this model's is [0-9a-f]{16}\)$/,
  });
  assert.equal(other.steps, 0);
  const corrupt = Uint8Array.from(saved);
  corrupt[50] ^= 1;
  assert.throws(() => a.stream().setState(corrupt), { message: 'stream state checksum mismatch (the saved state is corrupt)' });
  assert.throws(() => a.windowStream().setState(saved), {
    message: 'this state belongs to an LSTM-state stream, not a window stream',
  });
  assert.throws(() => a.stream().setState(saved.subarray(0, 10)), {
    message: 'stream state truncated: 10 bytes, at least 36 needed',
  });
  assert.equal(s.fingerprint.length, 16);
});

test('window-mean models refuse LSTM-state streams; window streams equal forecast()', () => {
  const model = kerasModel('wm', ['--lstm', '8', '--window', '14', '--seed', '6'], ['--norm', 'window-mean']);
  assert.equal(model.info.normalisation, 'window-mean');
  assert.throws(() => model.stream(), {
    name: 'ShelfcastError',
    message: 'this model normalises each window by its own mean (window-mean): every new day changes the scale of all ' +
      'the inputs before it, so the LSTM state cannot be carried forward one step at a time; use a window stream, ' +
      'which keeps the last 14 days and re-runs the window for each forecast',
  });
  const stream = model.windowStream();
  assert.equal(stream.kind, 'window');
  const values = sales(40, 3);
  values.forEach((v, i) => {
    stream.step(v);
    if (i + 1 < 14) return;
    const expected = model.forecast(values.slice(i + 1 - 14, i + 1), { horizon: 2 });
    assert.deepEqual(bits(stream.forecast(2)), bits(expected));
  });
  const restored = model.windowStream();
  restored.setState(stream.getState());
  assert.deepEqual(bits(restored.forecast(2)), bits(stream.forecast(2)));
});

test('steps and forecasts are checked', () => {
  const model = initModel('cal', ['--hidden', '8', '--seed', '4', '--calendar', 'dow,month']);
  const s = model.stream();
  assert.throws(() => s.step(5), {
    message: 'stream step 1: this model uses calendar features: give the date of the first observation',
  });
  s.step(5, '2017-03-01');
  assert.throws(() => s.step(6, '2017-03-03'), {
    message: "stream step 2: date 2017-03-03 does not follow the previous step's 2017-03-01 (a stream takes consecutive days; feed the days between)",
  });
  assert.throws(() => s.step(NaN), { message: 'stream step 2: value is not a finite number' });
  assert.throws(() => s.forecast(1), { message: 'the stream has seen 1 of the 30 days the model needs before it can forecast' });
  s.step(6, new Date(Date.UTC(2017, 2, 2)));
  assert.equal(s.lastDate, '2017-03-02');
  s.reset();
  assert.equal(s.steps, 0);
  assert.equal(s.lastDate, null);
});

test('a stream outlives its disposed model', () => {
  const model = initModel('m16', ['--hidden', '16', '--seed', '3']);
  const s = model.stream();
  const values = sales(30, 4);
  const expected = model.forecast(values);
  model.dispose();
  assert.throws(() => model.stream(), ShelfcastError);
  values.forEach((v) => s.step(v));
  assert.deepEqual(bits(s.forecast(1)), bits(expected));
  s.dispose();
});
