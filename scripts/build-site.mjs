#!/usr/bin/env node
// Assembles the demo site: one self-contained folder of static files (the page, the
// kiosk page and custom element, the engine, uPlot, the models and the demo data slice)
// that any static file server can serve, and that needs no network beyond it.
//
//   node scripts/build-site.mjs [--out build/site] [--models DIR] [--dist DIR] [--cli PATH]
//
// --models: a folder with manifest.json (default: models/ when it has one; otherwise an
// untrained fixture set is made in build/fixture-models, see fixture-models.mjs).
// --dist: the wasm build's dist folder (default build/wasm/dist, or $SHELFCAST_DIST).
// --cli: the native `shelfcast` (default build/native/src/cli/shelfcast, or
// $SHELFCAST_NATIVE_CLI); it generates the demo data.
//
// Layout of the site (all URLs relative, so it can be served under any path):
//   index.html demo.js demo.css chart.js                    the demo page
//   kiosk.html shelf-forecast.js (+ .d.ts)                   the kiosk page, the custom element
//   shelfcast.js shelfcast-engine.js shelfcast-engine.wasm   the kiosk engine (+ shelfcast.d.ts; + shelfcast-engine-portable.{js,wasm}, no SIMD)
//   shelfcast-common.js                                      helpers shelfcast.js imports (shared with shelfcast-core.js)
//   shelfcast-engine-data.{js,wasm}                          the engine with the data tools, the demo page's (+ -data-portable)
//   vendor/uplot.mjs vendor/uPlot.min.css vendor/uPlot.LICENSE
//   models/manifest.json models/*.shcf models/kiosk.shcf
//   models/demo.json                                          the page's manifest (pageManifest)
//   data/demo-sales.json data/demo-sales.bin                 the demo data slice (docs/web.md)
//   data/kiosk.csv                                            the kiosk page's sales
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildFixtureModels } from './fixture-models.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// The page's own files, copied from web/. Listed, not globbed, so nothing else ships.
// The JS the demo page loads is served without its comments (COMPACT_JS, compactJs).
const PAGE_FILES = ['index.html', 'demo.js', 'demo.css', 'chart.js', 'score-worker.js', 'kiosk.html', 'shelf-forecast.js', 'shelf-forecast.d.ts'];
// *-portable.*: the engines without SIMD128, loaded only by hosts without wasm SIMD. The kiosk
// page runs shelfcast-engine, the demo page shelfcast-engine-data (the data tools).
const ENGINE_FILES = ['shelfcast.js', 'shelfcast-common.js', 'shelfcast-engine.js', 'shelfcast-engine.wasm', 'shelfcast.d.ts',
  'shelfcast-engine-portable.js', 'shelfcast-engine-portable.wasm', 'shelfcast-engine-data.js', 'shelfcast-engine-data.wasm',
  'shelfcast-engine-data-portable.js', 'shelfcast-engine-data-portable.wasm'];
const COMPACT_JS = ['demo.js', 'chart.js', 'score-worker.js', 'shelfcast.js', 'shelfcast-common.js'];
// The kiosk page shows these store-item series (stores x items) over its last days.
const KIOSK = { stores: [1, 2], items: [1, 2, 3], days: 120 };

function parseArgs(argv) {
  const args = {
    out: resolve(root, 'build/site'),
    models: null,
    dist: process.env.SHELFCAST_DIST ?? resolve(root, 'build/wasm/dist'),
    cli: process.env.SHELFCAST_NATIVE_CLI ?? resolve(root, 'build/native/src/cli/shelfcast'),
  };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in args) || argv[i + 1] === undefined) throw new Error(`usage: build-site.mjs [--out DIR] [--models DIR] [--dist DIR] [--cli PATH] (got ${argv[i]})`);
    args[key] = resolve(argv[i + 1]);
  }
  return args;
}

/**
 * Acorn (Debian's node-acorn, which emscripten depends on; or node_modules), or null.
 */
async function loadAcorn() {
  const dirs = [resolve(root, 'node_modules'), ...(process.env.NODE_PATH ?? '').split(':').filter(Boolean), '/usr/share/nodejs'];
  for (const dir of dirs) {
    const file = join(dir, 'acorn/dist/acorn.mjs');
    if (existsSync(file)) return import(pathToFileURL(file).href);
  }
  return null;
}

const tokens = (acorn, src) => [...acorn.tokenizer(src, { ecmaVersion: 'latest', sourceType: 'module' })];

/**
 * A module's source without its comments and indentation: its tokens verbatim, joined by
 * a line break where the source had one between them (automatic semicolon insertion
 * depends on it), else by a space where it had any gap. Checked: the result has the
 * source's tokens, in order. About a third fewer bytes for the page's commented sources.
 */
export function compactJs(acorn, src, name) {
  let out = '';
  let last = 0;
  const before = tokens(acorn, src);
  for (const t of before) {
    const gap = src.slice(last, t.start);
    if (out && gap) out += /[\n\r\u2028\u2029]/.test(gap.replace(/\/\*(?:(?!\*\/)[^\n\r\u2028\u2029])*\*\//g, ' ')) ? '\n' : ' ';
    out += src.slice(t.start, t.end);
    last = t.end;
  }
  out += '\n';
  const after = tokens(acorn, out);
  const same = after.length === before.length
    && after.every((t, i) => t.type.label === before[i].type.label && out.slice(t.start, t.end) === src.slice(before[i].start, before[i].end));
  if (!same) throw new Error(`${name}: its compact form does not tokenize as the source does`);
  return out;
}

function need(path, hint) {
  if (!existsSync(path)) throw new Error(`${path} is missing: ${hint}`);
  return path;
}

function copy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

/** Day number of 'YYYY-MM-DD'. */
function day(iso) {
  return Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86400000;
}

function iso(dayNumber) {
  return new Date(dayNumber * 86400000).toISOString().slice(0, 10);
}

/**
 * Writes the demo data slice: the protocol's series, from the longest window any row needs
 * before the test period to its end, cut from the generator's full history (its streams
 * run from 2013-01-01, so only a cut of the full file holds the same numbers as the data
 * the manifest was scored on). Values are whole sales, stored as u8 when they fit, else u16.
 */
async function writeDemoData({ engine, cli, manifest, out }) {
  const protocol = manifest.protocol;
  const seed = manifest.generator?.seed ?? 42;
  const stores = Math.max(...protocol.stores);
  const items = Math.max(...protocol.items);
  const tmp = mkdtempSync(join(tmpdir(), 'shelfcast-site-'));
  try {
    const csvPath = join(tmp, 'generated.csv');
    execFileSync(cli, ['generate', '--seed', String(seed), '--stores', String(stores), '--items', String(items), '--out', csvPath],
      { stdio: ['ignore', 'ignore', 'inherit'] });
    const data = engine.parseSalesCsv(readFileSync(csvPath));
    // The baselines look back 28 days (4 same weekdays); every model its own window.
    const history = Math.max(28, protocol.window, ...manifest.models.map((m) => m.window ?? 0));
    const first = day(protocol.test_from) - history;
    const last = day(protocol.test_to);
    const days = last - first + 1;
    const series = [];
    const values = [];
    for (const store of protocol.stores) {
      for (const item of protocol.items) {
        const s = data.series.find((x) => x.store === store && x.item === item);
        if (!s || s.firstDay > first || s.firstDay + s.values.length - 1 < last) {
          throw new Error(`generated data lacks store ${store} item ${item} over ${iso(first)}..${iso(last)}`);
        }
        series.push({ store, item });
        values.push(s.values.subarray(first - s.firstDay, first - s.firstDay + days));
      }
    }
    const max = Math.max(...values.map((v) => Math.max(...v)));
    const encoding = max <= 255 ? 'u8' : 'u16le';
    const bytes = new Uint8Array(series.length * days * (encoding === 'u8' ? 1 : 2));
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => v.forEach((x, d) => {
      if (!Number.isInteger(x) || x < 0) throw new Error(`sales ${x} is not a whole non-negative number`);
      if (encoding === 'u8') bytes[i * days + d] = x;
      else view.setUint16(2 * (i * days + d), x, true);
    }));
    const meta = {
      description: 'shelfcast demo data slice: generated store-item sales, one row of `days` values per series, series-major',
      source: `shelfcast generate --seed ${seed} --stores ${stores} --items ${items} (2013-01-01..2017-12-31), days ${iso(first)}..${iso(last)}`,
      generator: { seed, stores, items },
      format: 'store-item',
      firstDay: iso(first),
      days,
      encoding,
      values: 'demo-sales.bin',
      series,
    };
    mkdirSync(join(out, 'data'), { recursive: true });
    writeFileSync(join(out, 'data/demo-sales.json'), JSON.stringify(meta) + '\n');
    writeFileSync(join(out, 'data/demo-sales.bin'), bytes);

    // The kiosk's sales file, in the real file's format: the last days of a few series.
    let csv = 'date,store,item,sales\n';
    for (const store of KIOSK.stores) {
      for (const item of KIOSK.items) {
        const s = data.series.find((x) => x.store === store && x.item === item);
        const end = s.values.length;
        for (let d = end - KIOSK.days; d < end; d++) csv += `${iso(s.firstDay + d)},${store},${item},${s.values[d]}\n`;
      }
    }
    writeFileSync(join(out, 'data/kiosk.csv'), csv);
    return { first: iso(first), days, series: series.length, encoding };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The kiosk runs the smallest model that stays within one MAPE point of the baseline
 * model (falling back to the baseline model itself): what a kiosk would ship.
 */
function kioskModel(manifest) {
  const base = manifest.models.find((m) => m.name === manifest.baseline_model) ?? manifest.models[0];
  const good = manifest.models.filter((m) => typeof m.mape === 'number' && m.mape <= base.mape + 1);
  good.sort((a, b) => a.file_bytes - b.file_bytes);
  return good[0] ?? base;
}

// How far (MAPE points) above the baseline model a technique's best point may be.
export const DEMO_MAPE_SLACK = 1;

/**
 * The models the demo page loads at once (its default comparison set; every other model
 * of the manifest is a click away, "Show all"): the article's story in a few rows.
 * - the baseline model (manifest.baseline_model);
 * - per other technique, its best point: the smallest file whose MAPE is within
 *   DEMO_MAPE_SLACK points of the baseline model's (ties: the lower MAPE), or the
 *   technique's smallest file when none is;
 * - the smallest model file of the manifest;
 * - a model's own `"demo": true` / `"demo": false` in the manifest adds / removes it.
 * Returns the names, in manifest order.
 */
export function demoSet(manifest) {
  const models = manifest.models;
  const base = models.find((m) => m.name === manifest.baseline_model) ?? models[0];
  const pick = new Set([base.name]);
  const smallest = (list) => [...list].sort((a, b) => a.file_bytes - b.file_bytes || (a.mape ?? Infinity) - (b.mape ?? Infinity))[0];
  for (const technique of new Set(models.map((m) => m.technique))) {
    const own = models.filter((m) => m.technique === technique && m !== base);
    if (!own.length) continue;
    const good = own.filter((m) => typeof m.mape === 'number' && typeof base.mape === 'number' && m.mape <= base.mape + DEMO_MAPE_SLACK);
    pick.add(smallest(good.length ? good : own).name);
  }
  pick.add(smallest(models).name);
  for (const m of models) {
    if (m.demo === true) pick.add(m.name);
    if (m.demo === false && m !== base) pick.delete(m.name);
  }
  return models.filter((m) => pick.has(m.name)).map((m) => m.name);
}

/**
 * The page's manifest (models/demo.json): only what the page reads, a few bytes a model
 * instead of the full manifest's ~2.7 KB (training metrics, encodings, prune groups).
 * The numbers it shows it computes itself; the tests compare them with the full manifest.
 */
export function pageManifest(manifest) {
  const eager = new Set(demoSet(manifest));
  const round = (x) => (typeof x === 'number' ? Math.round(x * 1e6) / 1e6 : x);
  return {
    source: 'models/manifest.json (scripts/build-site.mjs pageManifest)',
    ...(manifest.fixture ? { fixture: manifest.fixture } : {}),
    baseline_model: manifest.baseline_model,
    protocol: manifest.protocol,
    models: manifest.models.map((m) => ({
      name: m.name, file: m.file, technique: m.technique, window: m.window, file_bytes: m.file_bytes, article_param_bytes: m.article_param_bytes,
      sparsity: round(m.sparsity), precision: m.precision, ...(eager.has(m.name) ? { demo: true } : {}),
      // The drift monitor's baseline is the deployed model's manifest MAPE.
      ...(typeof m.mape === 'number' ? { mape: round(m.mape) } : {}),
    })),
  };
}

// The issue's cap on what the demo page loads at first (uncompressed bytes).
export const PAGE_BYTES_BUDGET = 500_000;
// What the demo page loads before the user asks for more, by line item (the byte budget
// of docs/web.md; tests/e2e/demo.test.mjs checks the page's requests against it).
const PAGE_LINE_ITEMS = {
  engine: ['shelfcast-engine-data.wasm', 'shelfcast-engine-data.js', 'shelfcast.js', 'shelfcast-common.js'],
  chart: ['vendor/uplot.mjs', 'vendor/uPlot.min.css'],
  page: ['index.html', 'demo.css', 'demo.js', 'chart.js', 'score-worker.js'],
  data: ['data/demo-sales.json', 'data/demo-sales.bin'],
  manifest: ['models/demo.json'],
};

export async function buildSite(options = {}) {
  const args = { ...parseArgs([]), ...options };
  const { out } = args;
  need(join(args.dist, 'shelfcast-engine-data.wasm'), 'run scripts/build.sh wasm');
  need(args.cli, 'run scripts/build.sh native');
  const uplot = resolve(root, 'node_modules/uplot/dist');
  need(join(uplot, 'uPlot.iife.min.js'), 'run scripts/setup.sh (npm ci)');

  let modelsDir = args.models;
  if (!modelsDir) {
    modelsDir = existsSync(resolve(root, 'models/manifest.json'))
      ? resolve(root, 'models')
      : await buildFixtureModels({ out: resolve(root, 'build/fixture-models'), cli: args.cli });
  }
  const manifest = JSON.parse(readFileSync(need(join(modelsDir, 'manifest.json'), 'run scripts/build-models.sh'), 'utf8'));

  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const f of PAGE_FILES) copy(need(resolve(root, 'web', f), 'web/ is incomplete'), join(out, f));
  for (const f of ENGINE_FILES) copy(need(join(args.dist, f), 'run scripts/build.sh wasm'), join(out, f));
  const acorn = await loadAcorn();
  if (acorn) for (const f of COMPACT_JS) writeFileSync(join(out, f), compactJs(acorn, readFileSync(join(out, f), 'utf8'), f));
  else console.warn('build-site: acorn not found (Debian node-acorn): the page\'s JS is served with its comments');

  // uPlot's minified browser build, as an ES module: its IIFE assigns `var uPlot`, which
  // in a module is module-scoped, so exporting it is the whole conversion.
  mkdirSync(join(out, 'vendor'), { recursive: true });
  writeFileSync(join(out, 'vendor/uplot.mjs'), `${readFileSync(join(uplot, 'uPlot.iife.min.js'), 'utf8').trimEnd()}\nexport default uPlot;\n`);
  copy(join(uplot, 'uPlot.min.css'), join(out, 'vendor/uPlot.min.css'));
  copy(resolve(uplot, '../LICENSE'), join(out, 'vendor/uPlot.LICENSE'));

  copy(join(modelsDir, 'manifest.json'), join(out, 'models/manifest.json'));
  writeFileSync(join(out, 'models/demo.json'), `${JSON.stringify(pageManifest(manifest))}\n`);
  for (const m of manifest.models) copy(need(join(modelsDir, m.file), `listed in ${modelsDir}/manifest.json`), join(out, 'models', m.file));
  const kiosk = kioskModel(manifest);
  copy(join(modelsDir, kiosk.file), join(out, 'models/kiosk.shcf'));

  const { loadEngine } = await import(pathToFileURL(join(args.dist, 'shelfcast.js')).href);
  const engine = await loadEngine();
  const data = await writeDemoData({ engine, cli: args.cli, manifest, out });

  const eager = new Set(demoSet(manifest));
  const lineItems = { ...PAGE_LINE_ITEMS, models: manifest.models.filter((m) => eager.has(m.name)).map((m) => `models/${m.file}`) };
  const size = (f) => statSync(join(out, f)).size;
  const pageFiles = Object.values(lineItems).flat();
  const pageBytes = pageFiles.reduce((sum, f) => sum + size(f), 0);
  const budget = Object.fromEntries(Object.entries(lineItems).map(([k, files]) => [k, files.reduce((sum, f) => sum + size(f), 0)]));
  const onDemandFiles = manifest.models.filter((m) => !eager.has(m.name)).map((m) => `models/${m.file}`);
  return { out, modelsDir, manifest, demo: [...eager], kiosk: kiosk.name, data, lineItems, pageFiles, pageBytes, budget, onDemandFiles };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const site = await buildSite(parseArgs(process.argv));
    console.log(`site: ${site.out}`);
    console.log(`  models: ${site.manifest.models.length} from ${site.modelsDir} (kiosk: ${site.kiosk})`);
    console.log(`  data: ${site.data.series} series x ${site.data.days} days from ${site.data.first} (${site.data.encoding})`);
    console.log(`  the demo page loads ${site.pageFiles.length} files, ${site.pageBytes.toLocaleString('en')} bytes at first (${Object.entries(site.budget).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ')})`);
    console.log(`  its models at first: ${site.demo.join(', ')}; ${site.onDemandFiles.length} more on demand`);
    if (site.pageBytes > PAGE_BYTES_BUDGET) console.warn(`build-site: the page loads ${site.pageBytes.toLocaleString('en')} bytes at first, over the ${PAGE_BYTES_BUDGET.toLocaleString('en')} budget (docs/web.md)`);
  } catch (e) {
    console.error(`build-site: ${e.message}`);
    process.exit(1);
  }
}
