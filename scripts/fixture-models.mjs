// Untrained stand-ins for models/ (used only when models/manifest.json is absent, e.g.
// before scripts/build-models.sh has run): random-weight LSTMs from `shelfcast init`,
// scored natively by `shelfcast eval` on the generated data of the protocol, with a
// manifest in the schema of models/manifest.json. Their MAPE is that of untrained
// models (near 100 %): the numbers are real, the models are not useful forecasters.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SEED = 42;
const fileSize = (path) => statSync(path).size;
const PROTOCOL = {
  window: 30,
  stores: [1, 2, 3, 4, 5],
  items: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  test_from: '2017-01-01',
  test_to: '2017-12-31',
  validation_days: 92,
};
const ROWS = [
  { name: 'lstm64', technique: 'baseline', hidden: 64, window: 30, calendar: [] },
  { name: 'lstm32', technique: 'sizing', hidden: 32, window: 30, calendar: [] },
  { name: 'lstm16', technique: 'sizing', hidden: 16, window: 30, calendar: [] },
  { name: 'lstm16-cal56', technique: 'calendar', hidden: 16, window: 56, calendar: ['dow', 'month'] },
];

/** Builds the fixture set in `out` (reused when it exists) and returns `out`. */
export async function buildFixtureModels({ out: final, cli }) {
  if (existsSync(join(final, 'manifest.json'))) return final;
  // Built aside and renamed into place, so concurrent builds (parallel test files) never
  // see a half-written set.
  const out = `${final}.tmp-${process.pid}`;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const run = (args) => execFileSync(cli, args, { stdio: ['ignore', 'pipe', 'inherit'] }).toString();
  const csv = join(out, 'generated.csv');
  run(['generate', '--seed', String(SEED), '--stores', '5', '--items', '10', '--out', csv]);
  for (const [i, r] of ROWS.entries()) {
    const extra = r.calendar.length ? ['--calendar', r.calendar.join(',')] : [];
    run(['init', '--hidden', String(r.hidden), '--window', String(r.window), '--seed', String(i + 1), ...extra,
      '--out', join(out, `${r.name}.shcf`)]);
  }
  const report = join(out, 'eval.json');
  run(['eval', '--data', csv, '--models', ROWS.map((r) => join(out, `${r.name}.shcf`)).join(','),
    '--baselines', 'seasonal-naive,weekday-mean:4', '--json', report]);
  const rows = JSON.parse(readFileSync(report, 'utf8')).rows;
  const metrics = (row) => ({ mape: row.mape, smape: row.smape, wape: row.wape, mae: row.mae, rmse: row.rmse });
  const baseBytes = fileSize(join(out, 'lstm64.shcf'));
  const baseMape = rows.find((x) => x.name === 'lstm64.shcf').mape;
  const models = ROWS.map((r) => {
    const row = rows.find((x) => x.name === `${r.name}.shcf`);
    const bytes = fileSize(join(out, `${r.name}.shcf`));
    const inputs = 1 + (r.calendar.includes('dow') ? 7 : 0) + (r.calendar.includes('month') ? 12 : 0);
    const parameters = 4 * r.hidden * (inputs + r.hidden + 1) + r.hidden + 1;
    return {
      name: r.name, file: `${r.name}.shcf`, technique: r.technique, hidden: r.hidden, layers: [r.hidden], window: r.window,
      calendar: r.calendar, sparsity: 0, precision: 'f32', parameters, nonzero_parameters: parameters, file_bytes: bytes,
      article_param_bytes: 4 * parameters, compression_vs_baseline: baseBytes / bytes, ...metrics(row),
      delta_mape_vs_baseline: row.mape - baseMape, train_seconds: null, epochs: null, seconds_per_epoch: null,
      notes: 'untrained fixture (random weights, shelfcast init)',
    };
  });
  const manifest = {
    schema: 1,
    fixture: 'untrained stand-ins (random weights): scripts/build-models.sh trains the real models',
    generator: { seed: SEED, stores: 5, items: 10 },
    protocol: PROTOCOL,
    baseline_model: 'lstm64',
    baselines: rows.filter((x) => x.kind === 'baseline').map((x) => ({ name: x.name, ...metrics(x) })),
    article: [],
    models,
  };
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  rmSync(csv);
  try {
    renameSync(out, final);
  } catch (e) {
    // Another build got there first: keep its set.
    rmSync(out, { recursive: true, force: true });
    if (!existsSync(join(final, 'manifest.json'))) throw e;
  }
  return final;
}
