import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { TinyVAE, klPerElement, samplePosterior, vaeLoss } from '@/lib/vae/model';
import { VAE_V1, parameterShapes, countParameters, flopsPerImage, type VAEConfig } from '@/lib/vae/config';
import { encodeLatents, decodeLatents, MomentAccumulator } from '@/lib/vae/latents';
import { vaeTask } from '@/lib/vae/task';
import { Trainer } from '@/lib/train/loop';
import { loadMnistSplit } from '@/lib/data/node';
import { subset } from '@/lib/data/mnist';

const TINY: VAEConfig = { ...VAE_V1, channels: [4, 8, 8] };

describe('tiny VAE', () => {
  beforeAll(async () => {
    await setNodeBackend('wasm');
  });

  it('names its weights like a PyTorch state_dict, with PyTorch shapes', () => {
    const s = parameterShapes(VAE_V1);
    expect(s['encoder.conv_in.weight']).toEqual([16, 1, 3, 3]);
    expect(s['encoder.down.0.weight']).toEqual([32, 16, 2, 2]); // Conv2d (out, in, kh, kw)
    expect(s['decoder.up.0.weight']).toEqual([64, 32, 2, 2]); // ConvTranspose2d (in, out, kh, kw)
    expect(s['encoder.conv_out.weight']).toEqual([8, 64, 3, 3]); // mean and log-variance of 4 channels
    expect(countParameters(VAE_V1)).toBe(Object.values(s).reduce((n, sh) => n + sh.reduce((a, b) => a * b, 1), 0));
    // conv_in: 32*32 pixels * 16 out * 9 taps, 2 FLOPs per multiply-add.
    expect(flopsPerImage(VAE_V1).encoder).toBeGreaterThan(2 * 32 * 32 * 16 * 9);
  });

  it('encodes (N, 32, 32, 1) to (N, 8, 8, 4) and decodes back, without leaking tensors', () => {
    const vae = new TinyVAE(VAE_V1, 1);
    const x = tf.randomUniform([3, 32, 32, 1], -1, 1, 'float32', 2);
    const before = tf.memory().numTensors;
    const z = encodeLatents(vae, x, 0.5);
    expect(z.shape).toEqual([3, 8, 8, 4]);
    const y = decodeLatents(vae, z, 0.5);
    expect(y.shape).toEqual([3, 32, 32, 1]);
    expect(tf.tidy(() => tf.max(tf.abs(y)).dataSync()[0])).toBeLessThanOrEqual(1);
    tf.dispose([z, y]);
    tf.tidy(() => {
      const p = vae.encode(x);
      samplePosterior(p, tf.randomNormal([3, 8, 8, 4]));
      vaeLoss(vae, x, tf.randomNormal([3, 8, 8, 4]));
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(() => vae.encode(tf.zeros([1, 28, 28, 1]))).toThrow(/32, 32, 1/);
    expect(() => vae.decode(tf.zeros([1, 8, 8, 3]))).toThrow(/8, 8, 4/);
    x.dispose();
    vae.dispose();
  });

  it('vae-scale: encodeLatents multiplies and decodeLatents divides by the scale factor', () => {
    const vae = new TinyVAE(TINY, 3);
    const x = tf.randomUniform([2, 32, 32, 1], -1, 1, 'float32', 4);
    const z1 = encodeLatents(vae, x, 1);
    const z2 = encodeLatents(vae, x, 0.25);
    expect(tf.max(tf.abs(tf.sub(tf.mul(z1, 0.25), z2))).dataSync()[0]).toBeLessThan(1e-6);
    const d1 = decodeLatents(vae, z1, 1);
    const d2 = decodeLatents(vae, z2, 0.25);
    expect(tf.max(tf.abs(tf.sub(d1, d2))).dataSync()[0]).toBeLessThan(1e-5);
    expect(() => encodeLatents(vae, x, 1, 'sample')).toThrow(/eps/);
    tf.dispose([x, z1, z2, d1, d2]);
    vae.dispose();
  });

  it('kl-loss: KL of N(mean, exp(logvar)) against N(0, 1) per element', () => {
    const kl = klPerElement({ mean: tf.tensor1d([0, 1, 0]), logvar: tf.tensor1d([0, 0, Math.log(4)]) }).dataSync();
    expect(kl[0]).toBeCloseTo(0, 7);
    expect(kl[1]).toBeCloseTo(0.5, 6);
    expect(kl[2]).toBeCloseTo(0.5 * (4 - 1 - Math.log(4)), 6);
  });

  it('vae-loss: training a tiny VAE on 32 digits lowers the loss within seconds', async () => {
    const { trainSet } = loadMnistSplit();
    const data = subset(
      trainSet,
      Int32Array.from({ length: 32 }, (_, i) => i),
    );
    const vae = new TinyVAE({ ...VAE_V1, channels: [2, 4, 4] }, 5);
    const tr = new Trainer(vaeTask(vae, data), { seed: 1, batchSize: 8, totalSteps: 16, lr: 1e-2 });
    await tr.run();
    const first = tr.lossLog.slice(0, 3).reduce((a, l) => a + l.mse, 0) / 3;
    const last = tr.lossLog.slice(-3).reduce((a, l) => a + l.mse, 0) / 3;
    expect(last).toBeLessThan(first * 0.8);
    tr.dispose();
    vae.dispose();
  }, 180_000);

  it('loadStateDict checks names and shapes', () => {
    const vae = new TinyVAE(TINY, 0);
    const sd = vae.stateDict();
    const bad = { ...sd, 'decoder.conv_out.bias': tf.zeros([2]) };
    expect(() => vae.loadStateDict(bad)).toThrow(/decoder\.conv_out\.bias.*expected \(1\)/);
    const { 'encoder.conv_in.weight': _drop, ...missing } = sd;
    expect(() => vae.loadStateDict(missing)).toThrow(/missing 'encoder\.conv_in\.weight'/);
    bad['decoder.conv_out.bias'].dispose();
    vae.dispose();
  });

  it('MomentAccumulator gives the population mean and std', () => {
    const m = new MomentAccumulator();
    m.add([1, 2, 3]);
    m.add([4]);
    expect(m.mean).toBe(2.5);
    expect(m.std).toBeCloseTo(Math.sqrt(1.25), 12);
  });
});
