import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { TinyVAE } from '@/lib/vae/model';
import { VAE_V1 } from '@/lib/vae/config';
import { saveWeights } from '@/lib/weights';
import { makeVaeDecoder } from '@/lib/load/decoder';

beforeAll(async () => {
  await setNodeBackend('wasm');
});

describe('runtime decoder', () => {
  it("vae-scale: decodes DiT latents z as D(z / scaleFactor) with the folder's weights, and frees them", async () => {
    const vae = new TinyVAE(VAE_V1, 5);
    const { manifest, shards } = await saveWeights(vae.params, { metadata: { kind: 'VAE', config: VAE_V1 } });
    const before = tf.memory().numTensors;
    const dec = makeVaeDecoder(manifest, shards, 0.5);
    const z = tf.randomNormal([2, 8, 8, 4], 0, 1, 'float32', 3) as tf.Tensor4D;
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(dec.decode(z), vae.decode(tf.div(z, 0.5))))).dataSync()[0]);
    expect(dec.imageSize).toBe(32);
    expect(diff).toBeLessThan(1e-5);
    z.dispose();
    dec.dispose();
    expect(tf.memory().numTensors).toBe(before);
    vae.dispose();
  });

  it('refuses a VAE without a scale factor, naming what is missing', async () => {
    const vae = new TinyVAE(VAE_V1, 5);
    const { manifest, shards } = await saveWeights(vae.params, { metadata: { kind: 'VAE', config: VAE_V1 } });
    vae.dispose();
    expect(() => makeVaeDecoder(manifest, shards, null)).toThrow(/scaleFactor/);
  });
});
