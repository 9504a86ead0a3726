/**
 * Timestep respacing (Eq. respacing): sample with K of the T training steps. A respaced process keeps
 * the steps S = {s_1 < ... < s_K} and defines its own betas from the original alpha_bar at those
 * steps, beta'_k = 1 - alpha_bar_{s_k} / alpha_bar_{s_{k-1}} (alpha_bar before the first kept step is
 * 1), so its alpha_bar'_k equals alpha_bar_{s_k}: x_t has the same marginals, only the jumps between
 * kept steps are longer. The network still sees the original timestep s_k (the process's
 * timestepMap). Mirrors the official respace.py (from OpenAI's IDDPM) and create_diffusion.
 */
import { betaSchedule, DEFAULT_NUM_TIMESTEPS, type ScheduleName } from './schedules';
import { GaussianDiffusion, type ModelVarType } from './gaussian-diffusion';
import { respacedBetas, spaceTimesteps, type SectionCounts } from './spacing';

/** A GaussianDiffusion over the kept steps whose network calls use the original timesteps (official SpacedDiffusion). */
export function spacedDiffusion(baseBetas: Float64Array, useTimesteps: Iterable<number>, opts: { modelVarType?: ModelVarType } = {}): GaussianDiffusion {
  const { betas, timestepMap } = respacedBetas(baseBetas, useTimesteps);
  return GaussianDiffusion.fromBetas(betas, { ...opts, timestepMap, originalNumTimesteps: baseBetas.length });
}

/**
 * Respace an existing (not yet respaced) process to K steps, keeping its variance type.
 * respace(d, d.numTimesteps) is the same process.
 */
export function respace(diffusion: GaussianDiffusion, sectionCounts: SectionCounts): GaussianDiffusion {
  if (diffusion.originalNumTimesteps !== diffusion.numTimesteps) {
    throw new Error('respace() needs the original process, not an already respaced one');
  }
  return spacedDiffusion(diffusion.c.betas, spaceTimesteps(diffusion.numTimesteps, sectionCounts), {
    modelVarType: diffusion.modelVarType,
  });
}

export interface CreateDiffusionOptions {
  /** Default 'linear' (DiT). */
  noiseSchedule?: ScheduleName;
  /** T, default 1000. */
  diffusionSteps?: number;
  /** Sampling steps (K, "K1,K2", or "ddimK"); default: all T. */
  timestepRespacing?: SectionCounts;
  /** Default true: the network outputs eps and v (Eq. learned-variance), DiT's setting. */
  learnSigma?: boolean;
  /** With a fixed variance, beta~_t ('fixed-small') instead of beta_t ('fixed-large', the default). */
  sigmaSmall?: boolean;
}

/** The official create_diffusion: DiT trains with createDiffusion({}) and samples with timestepRespacing 250. */
export function createDiffusion(opts: CreateDiffusionOptions = {}): GaussianDiffusion {
  const T = opts.diffusionSteps ?? DEFAULT_NUM_TIMESTEPS;
  const betas = betaSchedule(opts.noiseSchedule ?? 'linear', T);
  const modelVarType: ModelVarType = (opts.learnSigma ?? true) ? 'learned-range' : opts.sigmaSmall ? 'fixed-small' : 'fixed-large';
  const respacing = opts.timestepRespacing ?? T;
  return spacedDiffusion(betas, spaceTimesteps(T, respacing === '' ? T : respacing), { modelVarType });
}
