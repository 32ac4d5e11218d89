// web/examples/node-forecast.mjs under Node 20: it imports the package by its name
// (package.json `exports`), forecasts from a CSV file, and its numbers equal the native
// CLI's `shelfcast forecast` bit for bit (the wasm SIMD kernels are the native ones).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeCli } from '../node/helpers.mjs';
import { root } from './site.mjs';

const example = join(root, 'web/examples/node-forecast.mjs');
const cli = nativeCli();
const dir = mkdtempSync(join(tmpdir(), 'shelfcast-node-example-'));

// 40 days of two store-item series, from 2017-03-01.
const days = 40;
const sales = (store, item) => Array.from({ length: days }, (_, i) => Math.round(30 + 10 * store + 3 * item + 12 * Math.sin(i * 0.9 + item)));
const iso = (i) => new Date(Date.UTC(2017, 2, 1 + i)).toISOString().slice(0, 10);
let csv = 'date,store,item,sales\n';
for (const [store, item] of [[1, 1], [1, 2]]) for (let i = 0; i < days; i++) csv += `${iso(i)},${store},${item},${sales(store, item)[i]}\n`;
const csvFile = join(dir, 'sales.csv');
writeFileSync(csvFile, csv);

function model(name, args) {
  const file = join(dir, `${name}.shcf`);
  execFileSync(cli, ['init', ...args, '--out', file]);
  return file;
}

function runExample(args) {
  return spawnSync(process.execPath, [example, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env } });
}

function native(file, values, date, horizon) {
  const out = execFileSync(cli, ['forecast', file, '--values', values.join(','), '--date', date, '--horizon', String(horizon), '--json']);
  return JSON.parse(out.toString()).map(Math.fround);
}

test('one series: equals the native CLI, calendar model included', () => {
  const file = model('cal', ['--hidden', '12', '--window', '28', '--calendar', 'dow,month', '--seed', '3']);
  const run = runExample(['--model', file, '--csv', csvFile, '--store', '1', '--item', '2', '--horizon', '7', '--json']);
  assert.equal(run.status, 0, run.stderr);
  const [result] = JSON.parse(run.stdout);
  assert.equal(result.series, 'store 1 item 2');
  assert.equal(result.firstDay, iso(days));
  assert.deepEqual(result.values, native(file, sales(1, 2).slice(days - 28), iso(days), 7));
});

test('every series in one batch; text output', () => {
  const file = model('plain', ['--hidden', '16', '--seed', '5']);
  const run = runExample(['--model', file, '--csv', csvFile, '--horizon', '3', '--json']);
  assert.equal(run.status, 0, run.stderr);
  const results = JSON.parse(run.stdout);
  assert.deepEqual(results.map((r) => r.series), ['store 1 item 1', 'store 1 item 2']);
  for (const [k, r] of results.entries()) {
    assert.deepEqual(r.values, native(file, sales(1, k + 1).slice(days - 30), iso(days), 3));
  }
  const text = runExample(['--model', file, '--csv', csvFile, '--horizon', '3']);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^store 1 item 1: 2017-04-10\.\.2017-04-12 {2}total [\d.]+ {2}\[[\d. ]+\]\nstore 1 item 2: /);
});

test('errors: a missing model file and a malformed CSV', () => {
  const missing = runExample(['--model', join(dir, 'none.shcf'), '--csv', csvFile]);
  assert.equal(missing.status, 1);
  assert.equal(missing.stderr, `node-forecast: ${join(dir, 'none.shcf')}: no such file\n`);
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'date,store,item,sales\n2017-01-01,1,1,-3\n');
  const run = runExample(['--model', model('plain2', ['--hidden', '4']), '--csv', bad]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /^node-forecast: line 2\b/);
});
