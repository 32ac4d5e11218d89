// The Keras commands of the native CLI: `inspect keras`, `import keras`, and `inspect MODEL`
// still working beside `inspect keras FILE`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeBuildFile, nativeCli } from './helpers.mjs';

const cli = nativeCli();
const writer = nativeBuildFile('tests/unit/interop/keras/shelfcast_keras_test_writer');
const dir = mkdtempSync(join(tmpdir(), 'shelfcast-keras-cli-'));

test('inspect keras --json lists the layers and says the file imports', () => {
  const file = join(dir, 'm.keras');
  execFileSync(writer, [file, '--lstm', '12,8', '--dense', '8:relu', '--calendar', 'dow', '--window', '28']);
  const info = JSON.parse(execFileSync(cli, ['inspect', 'keras', file, '--json']).toString());
  assert.equal(info.format, 'Keras 3 zip (.keras)');
  assert.equal(info.keras_version, '3.5.0');
  assert.deepEqual(info.layers.map((l) => `${l.name}:${l.class_name}`),
    ['input_layer:InputLayer', 'lstm:LSTM', 'lstm_1:LSTM', 'dense:Dense', 'dense_1:Dense']);
  assert.equal(info.layers[1].settings.return_sequences, 'true');
  assert.deepEqual(info.layers[1].weights.map((w) => [w.path, w.shape.join('x'), w.type]), [
    ['/layers/lstm/cell/vars/0', '8x48', 'float32'],
    ['/layers/lstm/cell/vars/1', '12x48', 'float32'],
    ['/layers/lstm/cell/vars/2', '48', 'float32'],
  ]);
  assert.equal(info.importable, true);
  assert.equal(info.architecture,
    'LSTM(12, sigmoid) -> LSTM(8, sigmoid) -> Dense(8, relu) -> Dense(1) over 8 input features, window 28');
});

test('import keras writes a model that inspect reads; errors name the file', () => {
  const file = join(dir, 'one.h5');
  execFileSync(writer, [file, '--lstm', '16']);
  const out = join(dir, 'one.shcf');
  const printed = execFileSync(cli, ['import', 'keras', file, '--out', out, '--norm-offset', '52', '--norm-scale', '28']).toString();
  assert.match(printed, /^wrote .*one\.shcf: Keras HDF5 \(\.h5\) model from .*one\.h5 \(Keras 2\.2\.5\)\n  LSTM\(16, sigmoid\) -> Dense\(1, linear\) over 1 input feature, window 30, normalisation global \(offset 52, scale 28\)\n  1,169 parameters, [\d,]+ bytes\n$/);
  const inspected = JSON.parse(execFileSync(cli, ['inspect', out, '--json']).toString());
  assert.equal(inspected.normalisation.offset, 52);
  assert.equal(inspected.layers[0].units, 16);

  const junk = join(dir, 'junk.h5');
  writeFileSync(junk, 'not a model');
  const r = spawnSync(cli, ['import', 'keras', junk, '--out', join(dir, 'x.shcf')]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr.toString(), `shelfcast: error: ${junk}: not a Keras model file: neither HDF5 (.h5) nor a zip (.keras)\n`);
  const wm = spawnSync(cli, ['import', 'keras', file, '--out', join(dir, 'x.shcf'), '--norm', 'window-mean', '--norm-scale', '3']);
  assert.equal(wm.status, 1);
  assert.equal(wm.stderr.toString(), 'shelfcast: error: --norm-scale applies to --norm global only (window-mean divides by the window\'s mean)\n');
  const bare = spawnSync(cli, ['inspect']);
  assert.equal(bare.status, 1);
  assert.equal(bare.stderr.toString(), 'shelfcast: error: inspect needs a model file: shelfcast inspect MODEL [--json]\n');
});
