/** Chapter 4's exercises: how much the VAE compresses, the log-SNR shift, and the scale factor. */
import { getPreset } from '@/lib/dit/config';
import { VAE_V1, latentSize } from '@/lib/vae/config';
import { scheduleConstants } from '@/lib/diffusion/schedules';
import { choiceExercises } from '@/lib/exercises/choice-text';
import type { Exercise } from '@/lib/exercises/types';
import { sampleArray } from './code-cases';

const chapter = 'latent-space';
const r = String.raw;

/** Numbers per image and per latent: the paper's (256x256x3 pixels, its DiT's latent) and ours (the tiny VAE). */
function sizes(family: string) {
  if (family === 'paper') {
    const c = getPreset('DiT-XL/2');
    return { image: 256 * 256 * 3, latent: c.inputSize * c.inputSize * c.inChannels, imageText: '256×256×3', latentText: `${c.inputSize}×${c.inputSize}×${c.inChannels}` };
  }
  const L = latentSize(VAE_V1);
  return {
    image: VAE_V1.imageSize * VAE_V1.imageSize * VAE_V1.inChannels,
    latent: L * L * VAE_V1.latentChannels,
    imageText: `${VAE_V1.imageSize}×${VAE_V1.imageSize}×${VAE_V1.inChannels}`,
    latentText: `${L}×${L}×${VAE_V1.latentChannels}`,
  };
}

const words = choiceExercises(
  chapter,
  r`
## why-latents (choice): Why diffuse latents?
Why does DiT diffuse in the latent space of a pretrained VAE instead of in pixels?
- [x] The latent has far fewer numbers, so every step of training and sampling costs far less, while the VAE keeps the details a viewer sees.
  Right: 48 times fewer numbers for 256×256 images, and the transformer’s token count follows the latent, not the image.
- [ ] Latents are Gaussian, so no noise needs to be added.
  The forward process adds noise to latents exactly as to pixels; the latents are not standard normal (hence the scale factor).
- [ ] A transformer cannot read pixels.
  Vision transformers read pixel patches; it is cost, not ability, that favours latents.
- [ ] The VAE is trained together with the DiT, which makes both better.
  The VAE is trained first and then frozen; the DiT never changes it.
Hint: Compare the sizes: 256×256×3 against 32×32×4.
Solution: Latent diffusion spends the expensive, many-step part on a compact representation: 32×32×4 instead of 256×256×3, and 256 tokens at p = 2 instead of thousands. The frozen VAE decoder restores the pixels once, at the end.
`,
);

export const EXERCISES: Exercise[] = [
  {
    id: 'latent-compression',
    chapter,
    kind: 'numeric',
    title: 'How many fewer numbers?',
    prompt: r`{{who}} images are {{image}} numbers; the VAE turns each into a {{latent}} latent. How many times fewer numbers does the diffusion model work on?`,
    params: (rng) => ({ family: rng.pick(['paper', 'ours']) }),
    display: ({ family }) => {
      const s = sizes(family as string);
      return { who: family === 'paper' ? "The paper's ImageNet" : 'Our MNIST', image: s.imageText, latent: s.latentText, answer: String(s.image / s.latent) };
    },
    answer: ({ family }) => {
      const s = sizes(family as string);
      return s.image / s.latent;
    },
    worked: ({ family }) => (family === 'paper' ? (256 * 256 * 3) / (32 * 32 * 4) : (32 * 32) / (8 * 8 * 4)),
    tolerance: { rel: 0.001 },
    hints: ['Multiply out both shapes and divide.'],
    solution: r`{{image}} against {{latent}}: {{answer}} times fewer numbers. The paper's saving is large (48×), ours small (4×): our digits are tiny to begin with, so our VAE mostly serves to make the pipeline the paper's.`,
  },
  {
    id: 'log-snr-shift',
    chapter,
    kind: 'numeric',
    title: 'What an unscaled latent does to the schedule',
    prompt: r`A VAE's latents have standard deviation $\sigma_z$ = {{sigma}} and are fed to the linear schedule unscaled. At step {{t}} the schedule's log-SNR is {{lambda}}. What log-SNR does the model actually see there? Two decimals.`,
    params: (rng) => ({ sigma: rng.pick([0.5, 1.232, 2, 5.5]), t: 100 * rng.int(1, 9) }),
    display: ({ sigma, t }) => {
      const lam = scheduleConstants('linear').logSnr[(t as number) - 1];
      return { sigma: String(sigma), t: String(t), lambda: lam.toFixed(3), answer: (lam + 2 * Math.log(sigma as number)).toFixed(2) };
    },
    answer: ({ sigma, t }) => {
      // The signal's variance is sigma^2 alpha-bar, the noise's 1 - alpha-bar: Eq. log-snr with the data scaled.
      const ab = scheduleConstants('linear').alphasCumprod[(t as number) - 1];
      return Math.log(((sigma as number) ** 2 * ab) / (1 - ab));
    },
    worked: ({ sigma, t }) => Number(scheduleConstants('linear').logSnr[(t as number) - 1].toFixed(3)) + 2 * Math.log(sigma as number),
    tolerance: { abs: 0.006 },
    hints: [r`The signal's variance is $\sigma_z^2\bar\alpha_t$, the noise's $1-\bar\alpha_t$.`, r`The logarithm of $\sigma_z^2$ is $2\log\sigma_z$.`],
    solution: r`$\lambda_t + 2\log\sigma_z$ = {{lambda}} + 2 log {{sigma}} = {{answer}}. A wide latent ($\sigma_z > 1$) looks cleaner than the schedule says; a narrow one noisier. The scale factor $1/\sigma_z$ puts it back.`,
  },
  words('why-latents'),
  {
    id: 'code-scale-factor',
    chapter,
    kind: 'code',
    title: 'Write the scale factor',
    prompt: r`Write \`scaleFactor(z)\`: one over the standard deviation of all the numbers in \`z\` (the population standard deviation: divide by $n$, not $n - 1$), as the VAE's scale factor is computed from its sampled latents.`,
    fn: 'scaleFactor',
    starter: `function scaleFactor(z) {
  return 1;
}
`,
    solutionCode: `function scaleFactor(z) {
  const n = z.length;
  const mean = z.reduce((a, b) => a + b, 0) / n;
  const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  return 1 / Math.sqrt(variance);
}
`,
    wrongCode: `function scaleFactor(z) {
  const n = z.length;
  const mean = z.reduce((a, b) => a + b, 0) / n;
  const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  return 1 / variance; // one over the variance, not the standard deviation
}
`,
    params: (rng) => ({ seed: rng.int(1, 1e6) }),
    cases: ({ seed }) => [
      { name: '4 values', args: [[1, -1, 1, -1]] },
      { name: '64 values of spread 3', args: [sampleArray(seed as number, 64, 3)] },
      { name: '256 values of spread 0.5', args: [sampleArray((seed as number) + 1, 256, 0.5)] },
    ],
    reference: 'scale-factor',
    tolerance: { rel: 1e-4 },
    hints: ['Mean first, then the mean of the squared differences from it, then the square root.'],
    solution: r`$s = 1/\operatorname{std}(z)$: compute the mean, the mean squared deviation, its square root, and invert. For our VAE this gives $1/1.232 \approx 0.812$, stored in its manifest as \`scaleFactor\`.`,
  },
];
