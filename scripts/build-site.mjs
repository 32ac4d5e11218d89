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
//   shelfcast.js shelfcast-engine.js shelfcast-engine.wasm   the engine (+ shelfcast.d.ts; + shelfcast-engine-portable.{js,wasm}, no SIMD)
//   vendor/uplot.mjs vendor/uPlot.min.css vendor/uPlot.LICENSE
//   models/manifest.json models/*.shcf models/kiosk.shcf
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
const PAGE_FILES = ['index.html', 'demo.js', 'demo.css', 'chart.js', 'kiosk.html', 'shelf-forecast.js', 'shelf-forecast.d.ts'];
// shelfcast-engine-portable.*: the engine without SIMD128, loaded only by hosts without wasm SIMD.
const ENGINE_FILES = ['shelfcast.js', 'shelfcast-engine.js', 'shelfcast-engine.wasm', 'shelfcast.d.ts',
  'shelfcast-engine-portable.js', 'shelfcast-engine-portable.wasm'];
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

export async function buildSite(options = {}) {
  const args = { ...parseArgs([]), ...options };
  const { out } = args;
  need(join(args.dist, 'shelfcast-engine.wasm'), 'run scripts/build.sh wasm');
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

  // uPlot's minified browser build, as an ES module: its IIFE assigns `var uPlot`, which
  // in a module is module-scoped, so exporting it is the whole conversion.
  mkdirSync(join(out, 'vendor'), { recursive: true });
  writeFileSync(join(out, 'vendor/uplot.mjs'), `${readFileSync(join(uplot, 'uPlot.iife.min.js'), 'utf8').trimEnd()}\nexport default uPlot;\n`);
  copy(join(uplot, 'uPlot.min.css'), join(out, 'vendor/uPlot.min.css'));
  copy(resolve(uplot, '../LICENSE'), join(out, 'vendor/uPlot.LICENSE'));

  copy(join(modelsDir, 'manifest.json'), join(out, 'models/manifest.json'));
  for (const m of manifest.models) copy(need(join(modelsDir, m.file), `listed in ${modelsDir}/manifest.json`), join(out, 'models', m.file));
  const kiosk = kioskModel(manifest);
  copy(join(modelsDir, kiosk.file), join(out, 'models/kiosk.shcf'));

  const { loadEngine } = await import(pathToFileURL(join(args.dist, 'shelfcast.js')).href);
  const engine = await loadEngine();
  const data = await writeDemoData({ engine, cli: args.cli, manifest, out });

  const pageFiles = ['index.html', 'demo.css', 'demo.js', 'chart.js', 'shelfcast.js', 'shelfcast-engine.js',
    'shelfcast-engine.wasm', 'vendor/uplot.mjs', 'vendor/uPlot.min.css', 'models/manifest.json',
    ...manifest.models.map((m) => `models/${m.file}`), 'data/demo-sales.json', 'data/demo-sales.bin'];
  const pageBytes = pageFiles.reduce((sum, f) => sum + statSync(join(out, f)).size, 0);
  return { out, modelsDir, manifest, kiosk: kiosk.name, data, pageFiles, pageBytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const site = await buildSite(parseArgs(process.argv));
    console.log(`site: ${site.out}`);
    console.log(`  models: ${site.manifest.models.length} from ${site.modelsDir} (kiosk: ${site.kiosk})`);
    console.log(`  data: ${site.data.series} series x ${site.data.days} days from ${site.data.first} (${site.data.encoding})`);
    console.log(`  the demo page loads ${site.pageFiles.length} files, ${site.pageBytes.toLocaleString('en')} bytes`);
  } catch (e) {
    console.error(`build-site: ${e.message}`);
    process.exit(1);
  }
}
