// The demo page's scoring worker: web/demo.js runs a pool of them (one per core, at most
// 4), each forecasting slices of the test windows with the page's models, so the models
// run side by side on every core and the page's own thread stays free.
//
// The page fetches every file once and hands this worker what it needs, so a worker
// makes no request of its own: its own source and the engine's modules come as blob:
// URLs of the page's fetched text, the wasm as bytes, a model as its file bytes.
//
// Messages (each answered by { id, ...result } or { id, error }, in order):
//   { type: 'init', api, wasm, data }                 api: URL of shelfcast.js; wasm: the engine compiled (WebAssembly.Module; the data engine when data):
//     { readyAt } (performance.timeOrigin + now() when the engine was up)
//   { type: 'forecast', key, bytes?, inputs, dates? } forecasts of n windows (inputs: n*window),
//     in calls of 128 windows (one engine chunk): { forecasts, batchMs } (the fastest
//     call of 128, per window)
//   { type: 'latency', key, bytes?, inputs, dates?, rounds, minMs, minCalls }
//     single forecast calls, each round timed together for at least minMs: { singleMs }
// `bytes` (a model file) comes with a key's first message; the model stays loaded.
// The page starts its workers as soon as it has this file's text and posts their tasks
// at once (a worker handles its messages in order, so they wait for 'init' here). On a
// host without wasm SIMD the page imports this module (forecast, latency) and scores on
// its own thread instead.
const BATCH_ROWS = 128;

let engine = null;
const models = new Map();
let queue = Promise.resolve();

if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  self.onmessage = ({ data }) => {
    queue = queue.then(() => handle(data));
  };
}

async function handle(message) {
  let reply;
  try {
    reply = await run(message);
  } catch (e) {
    reply = { error: e.message };
  }
  self.postMessage({ id: message.id, ...reply }, reply.forecasts ? [reply.forecasts.buffer] : []);
}

async function run(message) {
  if (message.type === 'init') {
    const { loadEngine } = await import(message.api);
    engine = await loadEngine({ data: message.data, wasmModule: message.wasm }); // the build it was compiled from
    return { readyAt: performance.timeOrigin + performance.now() };
  }
  if (!engine) throw new Error('the scoring worker has no engine');
  if (message.bytes) {
    models.get(message.key)?.dispose();
    const model = engine.loadModel(message.bytes);
    models.set(message.key, model);
    warmSingleCalls(model, message);
  }
  const model = models.get(message.key);
  if (!model) throw new Error(`the scoring worker has no model ${message.key}`);
  if (message.type === 'forecast') return forecast(model, message);
  if (message.type === 'latency') return latency(model, message);
  throw new Error(`unknown message type ${message.type}`);
}

export function forecast(model, { inputs, dates }) {
  const w = model.window;
  const count = inputs.length / w;
  const forecasts = new Float32Array(count);
  let batchMs = Infinity;
  for (let start = 0; start < count; start += BATCH_ROWS) {
    const n = Math.min(BATCH_ROWS, count - start);
    const t0 = performance.now();
    forecasts.set(model.forecastBatch(inputs.subarray(start * w, (start + n) * w), { dates: dates?.subarray(start, start + n), horizon: 1 }), start);
    if (n === BATCH_ROWS) batchMs = Math.min(batchMs, (performance.now() - t0) / n);
  }
  return { forecasts, batchMs };
}

// A model's single calls take a path of their own (one-row kernels). V8 runs a fresh
// module's functions on its baseline compiler until they are hot and optimised, which on
// a busy machine takes longer than the timed rounds: a millisecond of untimed single calls
// when the model arrives makes that path hot while the slices run, so the rounds (the
// page's last tasks) time optimised code, as they do the batch path.
const WARM_MS = 1;
const WARM_CALLS = 20;

function warmSingleCalls(model, { inputs, dates }) {
  const w = model.window;
  if (inputs.length < w) return;
  const t0 = performance.now();
  for (let calls = 0; calls < WARM_CALLS || (performance.now() - t0 < WARM_MS && calls < 10_000); calls++) {
    model.forecast(inputs.subarray(0, w), { date: dates?.[0] });
  }
}

// Browsers coarsen performance.now() (to 0.1 ms without cross-origin isolation), so a
// single call is timed as the mean of consecutive calls over at least minMs; the
// fastest round is the engine's own cost (other processes' time lands in the others).
export function latency(model, { inputs, dates, rounds, minMs, minCalls }) {
  const w = model.window;
  const count = inputs.length / w;
  let singleMs = Infinity;
  for (let round = 0; round < rounds; round++) {
    let calls = 0;
    let elapsed = 0;
    const t0 = performance.now();
    while (calls < minCalls || elapsed < minMs) {
      const i = (round * 97 + calls) % count;
      model.forecast(inputs.subarray(i * w, (i + 1) * w), { date: dates?.[i] });
      calls++;
      elapsed = performance.now() - t0;
    }
    singleMs = Math.min(singleMs, elapsed / calls);
  }
  return { singleMs };
}
