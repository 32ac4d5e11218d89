#!/usr/bin/env node
// Forecasts the days after a sales CSV with a shelfcast model, under Node 20: the same ES
// module as in the browser (package.json `exports`), no browser APIs.
//
//   node web/examples/node-forecast.mjs --model models/lstm16.shcf --csv sales.csv \
//        [--store 1 --item 2 | --series ID] [--horizon 14] [--json]
//
// Without --store/--item/--series it forecasts every series of the file in one batch.
// The CSV is date,store,item,sales or date,series,value (docs/web.md); each series is
// forecast from its last `window` days, for the `horizon` days after its last date.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadEngine, isoDate } from 'shelfcast';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    csv: { type: 'string' },
    store: { type: 'string' },
    item: { type: 'string' },
    series: { type: 'string' },
    horizon: { type: 'string', default: '14' },
    json: { type: 'boolean', default: false },
  },
});
if (!args.model || !args.csv) {
  console.error('usage: node-forecast.mjs --model FILE.shcf --csv FILE.csv [--store S --item I | --series ID] [--horizon N] [--json]');
  process.exit(2);
}

try {
  const engine = await loadEngine(); // reads shelfcast-engine.wasm beside the module
  const model = await engine.loadModelFromUrl(args.model); // a path works under Node
  const data = engine.parseSalesCsv(await readFile(args.csv));
  const horizon = Number(args.horizon);

  let chosen = data.series;
  if (args.series !== undefined) chosen = data.series.filter((s) => s.key === args.series);
  else if (args.store !== undefined || args.item !== undefined) {
    chosen = data.series.filter((s) => String(s.store) === args.store && String(s.item) === args.item);
  }
  if (chosen.length === 0) throw new Error(`${args.csv} has no such series`);

  let results;
  if (chosen.length === 1) {
    // One series: forecastSeries takes its last `window` days itself.
    const f = model.forecastSeries(chosen[0], { horizon });
    results = [{ series: chosen[0].key, firstDay: f.firstDay, values: f.values }];
  } else {
    // Many series: one batch call, n windows of `window` days, each with its first forecast day.
    const w = model.window;
    const windows = new Float32Array(chosen.length * w);
    const dates = chosen.map((s, i) => {
      if (s.values.length < w) throw new Error(`${s.key} has ${s.values.length} days, the model needs ${w}`);
      windows.set(s.values.subarray(s.values.length - w), i * w);
      return s.firstDay + s.values.length;
    });
    const out = model.forecastBatch(windows, { dates, horizon });
    results = chosen.map((s, i) => ({ series: s.key, firstDay: dates[i], values: out.subarray(i * horizon, (i + 1) * horizon) }));
  }

  if (args.json) {
    console.log(JSON.stringify(results.map((r) => ({ series: r.series, firstDay: isoDate(r.firstDay), values: Array.from(r.values) }))));
  } else {
    for (const r of results) {
      const total = r.values.reduce((a, b) => a + b, 0);
      console.log(`${r.series}: ${isoDate(r.firstDay)}..${isoDate(r.firstDay + horizon - 1)}  total ${total.toFixed(1)}  [${Array.from(r.values, (v) => v.toFixed(1)).join(' ')}]`);
    }
  }
  model.dispose();
} catch (e) {
  console.error(`node-forecast: ${e.message}`);
  process.exit(1);
}
