/**
 * Exponential moving average of the weights (DiT train.py update_ema, decay 0.9999): the weights
 * that get evaluated and shipped. For short runs a warm-up decay min(decay, (1 + t) / (10 + t))
 * keeps the average from being dominated by the random initialisation.
 */
import { tf } from '../tf';
import { emaDecayAt } from './ema-decay';

export interface EmaOptions {
  decay?: number;
  warmup?: boolean;
}

export class Ema {
  readonly decay: number;
  readonly warmup: boolean;
  readonly shadow = new Map<string, tf.Variable>();

  constructor(params: Record<string, tf.Variable>, opts: EmaOptions = {}) {
    this.decay = opts.decay ?? 0.9999;
    this.warmup = opts.warmup ?? true;
    for (const [name, p] of Object.entries(params))
      this.shadow.set(
        name,
        tf.tidy(() => tf.variable(p.clone(), false)),
      );
  }

  /** The decay used at update number t (1-based). */
  decayAt(t: number): number {
    return emaDecayAt(this.decay, t, this.warmup);
  }

  /** ema <- d * ema + (1 - d) * p, after update number t. */
  update(params: Record<string, tf.Variable>, t: number): void {
    const d = this.decayAt(t);
    tf.tidy(() => {
      for (const [name, e] of this.shadow) e.assign(tf.add(tf.mul(e, d), tf.mul(params[name], 1 - d)));
    });
  }

  dispose(): void {
    for (const t of this.shadow.values()) t.dispose();
    this.shadow.clear();
  }
}
