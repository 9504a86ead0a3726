/**
 * The book's runnable cells: code behind a key equation that a reader can change and run
 * (<CodeCell id="..." /> in a chapter). The code runs in the sandbox worker with the API of
 * lib/sandbox/api.ts in scope; tests/unit/exercises/code.test.ts runs every cell.
 */

export interface Cell {
  id: string;
  chapter: string;
  title: string;
  code: string;
}

export const CELLS: readonly Cell[] = [
  {
    id: 'cell-q-sample',
    chapter: 'diffusion-step-by-step',
    title: 'Noise a digit with the closed form',
    code: `// Eq. q-sample: x_t = sqrt(alpha-bar_t) x0 + sqrt(1 - alpha-bar_t) eps, on a real test digit.
const { pixels, label } = digit(0);
const eps = randn(pixels.length, 1);
for (const t of [1, 100, 250, 500, 1000]) {
  show(qSample(pixels, t, eps), { label: 'digit ' + label + ' at t = ' + t });
}
// Try: the cosine schedule, qSample(pixels, t, eps, 'cosine'), or another seed for eps.
const s = schedule();
plot([{ label: 'image weight', y: s.sqrtAlphaBar }, { label: 'noise weight', y: s.sqrtOneMinusAlphaBar }], { title: 'linear schedule' });
`,
  },
  {
    id: 'cell-posterior',
    chapter: 'learning-to-denoise',
    title: 'The posterior variance against beta',
    code: `// Eq. posterior-variance: beta-tilde_t = (1 - alpha-bar_{t-1}) / (1 - alpha-bar_t) beta_t.
const s = schedule('linear');
const ratio = s.posteriorVariance.map((v, i) => v / s.betas[i]);
plot([{ label: 'beta-tilde / beta', y: ratio }], { title: 'how much smaller the posterior variance is' });
table([1, 2, 10, 100, 1000].map((t) => ({ t, beta: s.betas[t - 1], betaTilde: s.posteriorVariance[t - 1] })));
// One step back from a noisy digit, knowing the clean one:
const { pixels } = digit(3);
const xt = qSample(pixels, 50, randn(pixels.length, 2));
show(xt, { label: 'x_50' });
show(posterior(pixels, xt, 50).mean, { label: 'posterior mean: the centre of x_49' });
`,
  },
  {
    id: 'cell-patchify',
    chapter: 'patchify',
    title: 'Tokens, token length and compute',
    code: `// Eq. patchify on a small made-up latent: 4 x 4 positions, 2 channels.
const side = 4, channels = 2;
const latent = Array.from({ length: side * side * channels }, (_, k) => k);
const tokens = patchify(latent, side, channels, 2);
print(tokens.length, 'tokens of', tokens[0].length, 'numbers');
print('token 0:', tokens[0]);
// What patch size costs in the paper's models (Table 4): about 4x the Gflops each time p halves.
table(['S', 'B', 'L', 'XL'].map((size) => ({
  model: 'DiT-' + size,
  'p = 8': gflops('DiT-' + size + '/8'),
  'p = 4': gflops('DiT-' + size + '/4'),
  'p = 2': gflops('DiT-' + size + '/2'),
})));
`,
  },
  {
    id: 'cell-modulate',
    chapter: 'the-dit-block',
    title: 'adaLN-Zero at initialisation is the identity',
    code: `// Eq. adaln-zero with W = 0, b = 0: every shift, scale and gate is 0.
const D = 8, T = 4;
const x = tf.randomNormal([1, T, D], 0, 1, 'float32', 7);
const c = tf.randomNormal([1, D], 0, 1, 'float32', 8);
const W = tf.zeros([D, 6 * D]);                 // try tf.randomNormal([D, 6 * D], 0, 0.1) instead
const mod = tf.matMul(tf.sigmoid(c).mul(c), W);  // SiLU(c) W, the six vectors side by side
const [shift1, scale1, gate1] = tf.split(mod, 6, 1);
const { mean, variance } = tf.moments(x, -1, true); // layer norm without learned parameters
const h = x.sub(mean).div(variance.add(1e-6).sqrt());
const modulated = h.mul(scale1.expandDims(1).add(1)).add(shift1.expandDims(1));
const attention = modulated.matMul(tf.randomNormal([D, D], 0, 1, 'float32', 9)); // stands in for Attn
const out = x.add(attention.mul(gate1.expandDims(1)));
print('largest change the block makes to x:', out.sub(x).abs().max().dataSync()[0]);
`,
  },
  {
    id: 'cell-cfg',
    chapter: 'guidance-and-sampling',
    title: 'Guidance extrapolates',
    code: `// Eq. cfg: eps-hat = eps_null + s (eps_y - eps_null), on one pixel's two predictions.
const epsY = 0.8, epsNull = 0.2;
const scales = [0, 0.5, 1, 1.5, 2, 4, 8];
table(scales.map((s) => ({ s, guided: epsNull + s * (epsY - epsNull) })));
plot(scales, scales.map((s) => epsNull + s * (epsY - epsNull)), { title: 'guided prediction against s' });
// s = 1 gives eps_y exactly; s > 1 goes past it, away from the unconditional prediction.
`,
  },
  {
    id: 'cell-vae-roundtrip',
    chapter: 'latent-space',
    title: 'A digit through the shipped VAE',
    code: `// Eq. vae-scale: z = s * E(x), and back: x = D(z / s). encode and decode use the shipped VAE.
const { pixels, label } = digit(7);
const z = await encode(pixels);
const mean = z.reduce((a, b) => a + b, 0) / z.length;
const std = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length);
print('latent:', z.length, 'numbers (8 x 8 x 4), mean', mean, 'std', std);
show(pixels, { label: 'digit ' + label });
show(await decode(z), { label: 'decoded' });
// Halfway between two digits, in latent space:
const z2 = await encode(digit(8).pixels);
show(await decode(z.map((v, i) => (v + z2[i]) / 2)), { label: 'latent midpoint' });
`,
  },
  {
    id: 'cell-sample-guidance',
    chapter: 'guidance-and-sampling',
    title: 'Sample the shipped DiT at two guidance scales',
    code: `// The same seeds at guidance 1 and 4, on the road the reverse sampler uses (seed s, sample i: s * n + i).
for (const guidance of [1, 4]) {
  const { images } = await sample({ label: 7, n: 6, steps: 20, guidance, seed: 3 });
  images.forEach((img, i) => show(img, { label: 's = ' + guidance + ', sample ' + (i + 1) }));
}
// Try another label, guidance 8, or { sampler: 'dpm++2m', steps: 10 }.
`,
  },

];
