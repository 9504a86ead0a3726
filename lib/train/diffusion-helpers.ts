/**
 * The two random draws of the DiT training recipe (facebookresearch/DiT train.py), taken from the
 * training RNG so that checkpoints capture them:
 *   - timesteps t ~ Uniform{0, ..., T-1} (train.py: torch.randint(0, diffusion.num_timesteps, ...));
 *   - classifier-free guidance label dropout: each label is replaced by the null class (index
 *     numClasses) with probability 0.1 (models.py LabelEmbedder, class_dropout_prob = 0.1).
 */
import type { TrainRng } from './rng';

/** Default CFG label-dropout probability of the DiT recipe (models.py class_dropout_prob). */
export const CFG_DROPOUT_PROB = 0.1;

/** n timesteps drawn uniformly from {0, ..., numTimesteps - 1}. */
export function uniformTimesteps(n: number, numTimesteps: number, rng: TrainRng): Int32Array {
  if (!(numTimesteps >= 1)) throw new Error(`uniformTimesteps: numTimesteps must be >= 1, got ${numTimesteps}`);
  const t = new Int32Array(n);
  for (let i = 0; i < n; i++) t[i] = rng.int(numTimesteps);
  return t;
}

/**
 * CFG label dropout: a copy of labels where each entry becomes nullClass with probability prob. One
 * uniform draw per label, always, so the RNG advances the same whatever the outcome.
 */
export function dropLabelsForCfg(labels: ArrayLike<number>, nullClass: number, rng: TrainRng, prob: number = CFG_DROPOUT_PROB): Int32Array {
  if (!(prob >= 0 && prob <= 1)) throw new Error(`dropLabelsForCfg: prob must be in [0, 1], got ${prob}`);
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = rng.uniform() < prob ? nullClass : labels[i];
  return out;
}
