/**
 * Test helpers for the runtime: a small real DiT (random weights) with a fixed, parameter-free
 * "decoder" (each latent pixel becomes a 4x4 block of tanh(mean over channels)), so the tests run the
 * real sampling path without waiting for trained weights.
 */
import { tf } from '@/lib/tf';
import { DiT } from '@/lib/dit/model';
import { getPreset, type DiTConfig } from '@/lib/dit/config';
import { betaSchedule } from '@/lib/diffusion/schedules';
import type { SamplerModel } from '@/lib/sample/run';
import type { LoadedModel } from '@/lib/load/loaded';

export function tinyConfig(): DiTConfig {
  return { ...getPreset('DiT-mini-S/2'), depth: 2 };
}

export function blockDecoder(z: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const m = tf.tanh(tf.mean(z, 3, true)) as tf.Tensor4D; // (N, H, W, 1)
    return tf.image.resizeNearestNeighbor(m, [z.shape[1] * 4, z.shape[2] * 4]);
  });
}

export function tinySamplerModel(seed = 1): { model: SamplerModel; dit: DiT } {
  const config = tinyConfig();
  const dit = new DiT(config, seed);
  // adaLN-Zero starts with a zero output layer; perturb it so the network's output depends on x, t and y.
  tf.tidy(() => {
    const sd = dit.stateDict();
    for (const name of Object.keys(sd)) {
      if (name.includes('adaLN_modulation') || name === 'final_layer.linear.weight') {
        sd[name].assign(tf.randomNormal(sd[name].shape, 0, 0.05, 'float32', 7 + name.length));
      }
    }
  });
  const model: SamplerModel = {
    forward: (x, t, y) => dit.forward(x, t, y),
    decode: blockDecoder,
    betas: betaSchedule('linear', 1000),
    latentSize: config.inputSize,
    latentChannels: config.inChannels,
    numClasses: config.numClasses,
    learnSigma: config.learnSigma,
  };
  return { model, dit };
}

export function tinyLoadedModel(seed = 1): LoadedModel {
  const { model, dit } = tinySamplerModel(seed);
  return {
    sampler: model,
    info: { preset: 'DiT-mini-S/2 (depth 2)', parameters: 0, numTimesteps: 1000, numClasses: 10, imageSize: 32, fromCache: false },
    dispose: () => dit.dispose(),
  };
}
