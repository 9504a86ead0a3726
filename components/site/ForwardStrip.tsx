/**
 * The home page's opening picture: one real MNIST test digit under the forward process, x_0 to x_T,
 * computed when the site is built (Eq. q-sample, linear schedule, the same arithmetic and noise
 * generator as the chapter 2 widget) and inlined as small PNGs. A server component: no client
 * JavaScript, nothing to load.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeDigits, indicesOfClass, PADDED_SIZE, writePadded32 } from '@/lib/data/mnist';
import { scheduleConstants } from '@/lib/diffusion/schedules';
import { randn } from '@/lib/random';
import { qSampleInto } from '@/lib/diffusion/schedules';
import { encodeGreyPng, pngDataUri, toGrey } from './png';

/** Timesteps shown; 0 is the clean digit x_0. */
export const STRIP_TIMESTEPS = [0, 100, 200, 300, 400, 600, 1000] as const;
const DIGIT = 3;
const SEED = 1; // the chapter 2 widget's first noise seed

export interface StripFrame {
  t: number;
  src: string;
  alt: string;
}

export function forwardStripFrames(file = path.join(process.cwd(), 'public', 'data', 'mnist-test-sample.bin')): StripFrame[] {
  const digits = decodeDigits(readFileSync(file));
  const pixels = PADDED_SIZE * PADDED_SIZE;
  const x0 = new Float32Array(pixels);
  writePadded32(digits, indicesOfClass(digits, DIGIT)[0], x0);
  const eps = randn(pixels, SEED);
  const c = scheduleConstants('linear');
  return STRIP_TIMESTEPS.map((t) => {
    // Index i holds the paper's timestep t = i + 1; t = 0 is x_0 itself.
    const xt = t === 0 ? x0 : qSampleInto(new Float32Array(pixels), x0, eps, c.sqrtAlphasCumprod[t - 1], c.sqrtOneMinusAlphasCumprod[t - 1]);
    const alt =
      t === 0
        ? `The clean digit ${DIGIT}, x_0`
        : t === c.numTimesteps
          ? `t = ${t}: pure noise, x_T`
          : `t = ${t}: the digit with noise, signal kept ${c.sqrtAlphasCumprod[t - 1].toFixed(2)}`;
    return { t, src: pngDataUri(encodeGreyPng(PADDED_SIZE, PADDED_SIZE, toGrey(xt))), alt };
  });
}

export function ForwardStrip() {
  const frames = forwardStripFrames();
  return (
    <figure className="hero-strip">
      <ol className="strip-frames">
        {frames.map((f) => (
          <li key={f.t}>
            {/* eslint-disable-next-line @next/next/no-img-element -- a 32x32 data: URI made at build time: nothing for next/image to optimise */}
            <img src={f.src} alt={f.alt} width={32} height={32} />
            <span>
              <var>t</var> = {f.t}
            </span>
          </li>
        ))}
      </ol>
      <div className="strip-arrows" aria-hidden="true">
        <span className="fwd">adding noise: fixed, chapter 2 &rarr;</span>
        <span className="rev">&larr; removing it: the DiT&rsquo;s job, chapters 3 to 7</span>
      </div>
      <figcaption>
        A real MNIST test digit under the forward process (linear schedule, <var>T</var> = 1000), computed when this site was built. A Diffusion Transformer
        learns to run this film backwards, from noise to a digit; the widgets in the chapters do it live in your browser.
      </figcaption>
    </figure>
  );
}
