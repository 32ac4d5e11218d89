// The demo site's build rules (scripts/build-site.mjs), without a browser:
// - demoSet: the default comparison set the page loads at first;
// - pageManifest: the page's compact manifest;
// - compactJs: the page's JS without comments, token for token the source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { DEMO_MAPE_SLACK, compactJs, demoSet, pageManifest } from '../../scripts/build-site.mjs';

const model = (name, technique, file_bytes, mape, extra = {}) => ({ name, file: `${name}.shcf`, technique, file_bytes, mape, window: 30,
  article_param_bytes: file_bytes - 98, sparsity: 0, precision: 'f32', ...extra });

// A manifest shaped like models/manifest.json with the int8 and stacked rows to come.
const manifest = {
  baseline_model: 'lstm64',
  protocol: { window: 30 },
  models: [
    model('lstm64', 'baseline', 67942, 13.7),
    model('lstm32', 'sizing', 17638, 13.78),
    model('lstm8', 'sizing', 1414, 13.95),
    model('lstm64-cal56', 'calendar', 87398, 12.72, { window: 56 }),
    model('lstm16-cal56', 'calendar', 9638, 12.72, { window: 56 }),
    model('lstm32-p50', 'pruning', 9000, 13.78),
    model('lstm32-p95', 'pruning', 2500, 14.13),
    model('lstm64-p95', 'pruning', 5000, 13.82),
    model('lstm16-int8', 'int8', 1400, 14.9), // more than 1 point worse: not its technique's pick
    model('lstm32-int8', 'int8', 5200, 13.8),
    model('stack-a', 'stacked', 2100, 15.1),
    model('stack-b', 'stacked', 1500, 15.3),
  ],
};

test('demoSet: the baseline, each technique\'s smallest file within 1 MAPE point, the smallest file', () => {
  assert.equal(DEMO_MAPE_SLACK, 1);
  // stacked: none within a point of 13.7, so its smallest file (stack-b); lstm16-int8 is
  // the smallest file of the manifest but more than a point worse: added as the smallest.
  assert.deepEqual(demoSet(manifest), ['lstm64', 'lstm8', 'lstm16-cal56', 'lstm32-p95', 'lstm16-int8', 'lstm32-int8', 'stack-b']);
});

test('demoSet: ties go to the lower MAPE; a manifest "demo" flag adds or removes a model, never the baseline', () => {
  const tie = { ...manifest, models: [...manifest.models, model('lstm8-b', 'sizing', 1414, 13.9)] };
  assert.ok(demoSet(tie).includes('lstm8-b'));
  assert.ok(!demoSet(tie).includes('lstm8'));
  const flagged = { ...manifest, models: manifest.models.map((m) => (m.name === 'lstm32' ? { ...m, demo: true }
    : m.name === 'stack-b' || m.name === 'lstm64' ? { ...m, demo: false } : m)) };
  const set = demoSet(flagged);
  assert.ok(set.includes('lstm32'));
  assert.ok(!set.includes('stack-b'));
  assert.ok(set.includes('lstm64'));
});

test('pageManifest: only what the page reads, the default set flagged', () => {
  const page = pageManifest(manifest);
  assert.equal(page.baseline_model, 'lstm64');
  assert.deepEqual(page.protocol, manifest.protocol);
  assert.deepEqual(Object.keys(page.models[0]).sort(),
    ['article_param_bytes', 'demo', 'file', 'file_bytes', 'mape', 'name', 'precision', 'sparsity', 'technique', 'window']);
  assert.deepEqual(page.models.filter((m) => m.demo).map((m) => m.name), demoSet(manifest));
  assert.equal(page.models.find((m) => m.name === 'lstm32').demo, undefined);
});

const acornFile = '/usr/share/nodejs/acorn/dist/acorn.mjs';
test('compactJs: comments and indentation go; line breaks that end statements, strings, templates and regexes stay',
  { skip: existsSync(acornFile) ? false : `no ${acornFile} (Debian node-acorn)` }, async () => {
    const acorn = await import(acornFile);
    const src = [
      '// a comment',
      'import { x } from \'./x.js\'; /* block */',
      'let a = 1',
      '/* one\n line break */ let b = a;',
      '/re\\/gex/g.test(`  keep ${a /* in */} this  `) // trailing',
      'const s = "// not a comment", t = \'/* nor this */\';',
      'export { a, b, s, t };',
    ].join('\n');
    const out = compactJs(acorn, src, 'x.js');
    assert.equal(out, 'import { x } from \'./x.js\';\nlet a = 1\nlet b = a;\n/re\\/gex/g.test(`  keep ${a } this  `)\n'
      + 'const s = "// not a comment", t = \'/* nor this */\';\nexport { a, b, s, t };\n');
  });
