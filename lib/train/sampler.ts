/**
 * The batch sampler: epochs of a seeded permutation of the dataset, read in order. Its whole state
 * is (epoch, cursor), so a checkpoint records the data order exactly and a resumed run sees the same
 * batches. A batch that runs past the end of an epoch continues into the next permutation.
 */
import { mulberry32, shuffleInPlace } from '../random';

export interface SamplerState {
  epoch: number;
  cursor: number;
}

export class EpochSampler {
  readonly size: number;
  readonly batchSize: number;
  readonly seed: number;
  private epoch = 0;
  private cursor = 0;
  private order: Int32Array;

  constructor(size: number, batchSize: number, seed: number) {
    if (!(size > 0) || !(batchSize > 0)) throw new Error(`EpochSampler: size and batchSize must be positive (got ${size}, ${batchSize})`);
    this.size = size;
    this.batchSize = batchSize;
    this.seed = seed;
    this.order = this.permutation(0);
  }

  /** The order of epoch e: a Fisher-Yates shuffle seeded by (seed, e) alone. */
  permutation(e: number): Int32Array {
    const idx = Array.from({ length: this.size }, (_, i) => i);
    shuffleInPlace(idx, mulberry32((this.seed ^ Math.imul(e + 1, 0x9e3779b1)) >>> 0));
    return Int32Array.from(idx);
  }

  /** The next batchSize dataset indices. */
  next(): Int32Array {
    const out = new Int32Array(this.batchSize);
    for (let k = 0; k < this.batchSize; k++) {
      if (this.cursor === this.size) {
        this.epoch += 1;
        this.cursor = 0;
        this.order = this.permutation(this.epoch);
      }
      out[k] = this.order[this.cursor++];
    }
    return out;
  }

  /** Fractional epochs consumed so far. */
  get epochs(): number {
    return this.epoch + this.cursor / this.size;
  }

  getState(): SamplerState {
    return { epoch: this.epoch, cursor: this.cursor };
  }

  setState(s: SamplerState): void {
    if (s.cursor < 0 || s.cursor > this.size) throw new Error(`EpochSampler: cursor ${s.cursor} outside [0, ${this.size}]`);
    this.epoch = s.epoch;
    this.cursor = s.cursor;
    this.order = this.permutation(s.epoch);
  }
}
