/**
 * The training RNG: mulberry32 (as lib/random.ts) with Box-Muller normals, but with its whole state
 * exposed, so a checkpoint can capture it and a resumed run draws exactly the numbers an
 * uninterrupted run would have drawn.
 */

export interface RngState {
  /** mulberry32's 32-bit counter. */
  a: number;
  /** The second Box-Muller output waiting to be used, or null. */
  spare: number | null;
}

export class TrainRng {
  private a: number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.a = seed >>> 0;
  }

  /** Uniform float in [0, 1). */
  uniform(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal draw (Box-Muller, both outputs used). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform(); // log(0) is -Infinity
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** n standard normal draws. */
  normalArray(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  getState(): RngState {
    return { a: this.a, spare: this.spare };
  }

  setState(s: RngState): void {
    this.a = s.a >>> 0;
    this.spare = s.spare;
  }
}
