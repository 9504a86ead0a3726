/**
 * One model being trained in the browser: a DiT, its diffusion, the DiT training task and the one
 * training loop (lib/train: Trainer, AdamW, EMA), exactly as the command-line recipes build them
 * (lib/train/dit-task.ts ditTrainingParts), plus a sample grid drawn from the current weights.
 *
 * The trainer worker (trainer-runtime.ts) calls step() in a loop and sample() every few hundred
 * steps; dispose() frees every tensor the session made (the test checks the count).
 *
 * Letters: N samples, H W latent side, C latent channels, S picture side.
 */
import { tf } from '../tf';
import { DiT } from '../dit/model';
import { numPatches } from '../dit/config';
import { betaSchedule } from '../diffusion/schedules';
import { ditTrainingParts, type DiTBatch, type LatentDataset } from './dit-task';
import { Trainer, type StepLog } from './loop';
import { trainerConfig, type SampleWeights, type TrainerSettings } from './browser-recipe';
import { ditSamplerModel, samplePictures } from '../sample/run';

/** The fixed starting noise of the grid's ten cells: the same seeds every round, so only the weights change. */
export const GRID_SEEDS = Array.from({ length: 10 }, (_, i) => 9000 + i);
export const GRID_LABELS = Array.from({ length: 10 }, (_, i) => i);

export interface GridOptions {
  weights: SampleWeights;
  guidanceScale: number;
  steps: number;
  /** Awaited between sampling steps (the worker answers messages there). */
  between?: () => Promise<void>;
  /** Polled between sampling steps: true abandons the grid (returns null). */
  cancelled?: () => boolean;
  /** Other digits and seeds than the widget's row (scripts/bench/trainer-progress.ts scores 100). */
  labels?: number[];
  seeds?: number[];
}

export class TrainSession {
  readonly settings: TrainerSettings;
  readonly model: DiT;
  readonly trainer: Trainer<DiTBatch>;
  /** A second network the EMA weights are copied into for sampling (the live weights keep training). */
  private readonly emaNet: DiT;
  private readonly betas: Float64Array;
  /** Peak learning rate; the slider changes it while the model trains. */
  lrPeak: number;

  constructor(
    settings: TrainerSettings,
    data: LatentDataset,
    private readonly decode: (z: tf.Tensor4D) => tf.Tensor4D,
  ) {
    this.settings = { ...settings };
    this.lrPeak = settings.lr;
    const config = trainerConfig(settings.preset);
    const { model, diffusion, task, options } = ditTrainingParts(
      // Open-ended: the reader decides when to stop (only the checkpoint meta reads totalSteps).
      {
        config,
        seed: settings.seed,
        batchSize: settings.batchSize,
        totalSteps: 1_000_000,
        lr: () => this.lrPeak,
        warmupSteps: settings.warmupSteps,
        emaDecay: settings.emaDecay,
      },
      data,
    );
    this.model = model;
    this.emaNet = new DiT(config, settings.seed);
    this.betas = betaSchedule('linear', diffusion.numTimesteps);
    this.trainer = new Trainer(task, options);
  }

  get step(): number {
    return this.trainer.step;
  }

  get parameters(): number {
    return Object.values(this.model.stateDict()).reduce((a, v) => a + v.size, 0);
  }

  get tokens(): number {
    return numPatches(this.model.config);
  }

  /** One optimisation step of the shared loop: loss (Eq. l-hybrid), gradients, AdamW, EMA. */
  trainStep(): StepLog {
    return this.trainer.trainStep();
  }

  /**
   * One picture of each digit 0..9 (or o.labels) from the current weights: deterministic DDIM (eta 0) from fixed
   * seeds with classifier-free guidance (Eq. cfg), decoded by the VAE. null when cancelled.
   */
  async sampleGrid(o: GridOptions): Promise<{ images: Float32Array; labels: Int32Array } | null> {
    let net = this.model;
    if (o.weights === 'ema' && this.trainer.ema) {
      // The EMA shadow has every trained weight; pos_embed is frozen and the same in both networks.
      this.emaNet.loadStateDict({ ...this.trainer.evalParams(), pos_embed: this.model.stateDict().pos_embed });
      net = this.emaNet;
    }
    if (o.cancelled?.()) return null;
    return samplePictures(
      ditSamplerModel(net, this.decode, this.betas, 'forward'),
      {
        labels: o.labels ?? GRID_LABELS,
        seeds: o.seeds ?? GRID_SEEDS,
        steps: o.steps,
        sampler: 'ddim',
        eta: 0,
        guidanceScale: o.guidanceScale,
        cfgChannels: 'all',
      },
      async () => {
        if (o.between) await o.between();
        return !o.cancelled?.();
      },
    );
  }

  dispose(): void {
    this.trainer.dispose();
    this.model.dispose();
    this.emaNet.dispose();
  }
}
