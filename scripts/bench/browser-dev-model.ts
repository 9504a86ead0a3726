/**
 * Development model folders for the browser runtime, before the trained model ships
 * (npx tsx scripts/bench/browser-dev-model.ts; outputs are gitignored):
 *
 *   public/models/dit-dev-v1/        DiT-mini-B/2 (the default size) with random weights; the
 *                                    adaLN-Zero modulation and output layers, zero at init, get
 *                                    small random values so the output depends on x, t and y
 *   public/models/preview-dev-v1/    a latent-preview decoder (lib/load/decoder.ts)
 *   public/models/dit-broken-dev-v1/ dit-dev-v1 with its last shard cut short: the widgets' "weights
 *                                    corrupt" path (tests/e2e/sampler.spec.ts)
 *
 * Timing (scripts/bench/browser.ts) is the same as for trained weights of the same size.
 */
import { mkdirSync, readFileSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';
import { tf } from '../../lib/tf';
import { setNodeBackend } from '../../lib/node-backend';
import { DiT } from '../../lib/dit/model';
import { getPreset, DEFAULT_MINI } from '../../lib/dit/config';
import { saveDiT } from '../../lib/dit/weights';
import { writeWeightsDir } from '../../lib/weights/node';

await setNodeBackend('wasm');
const root = new URL('../../public/models/', import.meta.url).pathname;

const dit = new DiT(getPreset(DEFAULT_MINI), 1);
tf.tidy(() => {
  const sd = dit.stateDict();
  Object.keys(sd).forEach((name, k) => {
    if (name.includes('adaLN_modulation') || name === 'final_layer.linear.weight') {
      sd[name].assign(tf.randomNormal(sd[name].shape, 0, 0.02, 'float32', 100 + k));
    }
  });
});
const { manifest, shards } = await saveDiT(dit, {
  shardBytes: 1 << 20,
  metadata: { vae: 'models/preview-dev-v1', preset: `${DEFAULT_MINI} (untrained, development)` },
});
dit.dispose();
const ditDir = `${root}dit-dev-v1/`;
mkdirSync(ditDir, { recursive: true });
manifest.weightsManifest[0].paths.forEach((p, i) => writeFileSync(ditDir + p, new Uint8Array(shards[i])));
writeFileSync(`${ditDir}model.json`, JSON.stringify(manifest, null, 1));
// The shipped folders' manifest.json (lib/train/dit-ship.ts) names the VAE and the latent scale.
writeFileSync(
  `${ditDir}manifest.json`,
  JSON.stringify(
    {
      format: 'dit-lab-model',
      kind: 'DiT',
      name: 'dit-dev-v1',
      preset: DEFAULT_MINI,
      purpose: 'development stand-in with random weights (timing and runtime tests only)',
      data: { latents: { vae: 'public/models/preview-dev-v1', scaleFactor: 1 } },
    },
    null,
    1,
  ),
);

const w = tf.tensor2d([[0.9, -0.6, 0.5, 0.3]]);
const b = tf.tensor1d([0.1]);
await writeWeightsDir(
  `${root}preview-dev-v1/`,
  { 'preview.weight': w, 'preview.bias': b },
  { metadata: { kind: 'latent-preview', latentChannels: 4, latentSize: 8, upsample: 4 } },
);
tf.dispose([w, b]);

const broken = `${root}dit-broken-dev-v1/`;
mkdirSync(broken, { recursive: true });
for (const f of readdirSync(ditDir)) copyFileSync(ditDir + f, broken + f);
const lastShard = manifest.weightsManifest[0].paths.at(-1)!;
const bytes = readFileSync(broken + lastShard);
writeFileSync(broken + lastShard, bytes.subarray(0, Math.floor(bytes.length / 2)));

console.log(`wrote ${ditDir} (${shards.length} shards), ${root}preview-dev-v1/, ${broken} (last shard cut to half)`);
