/** Chapter 3's exercises: the posterior, predicting the noise, and the DDIM knob. */
import { betaSchedule, scheduleConstants } from '@/lib/diffusion/schedules';
import { choiceExercises } from '@/lib/exercises/choice-text';
import type { Exercise } from '@/lib/exercises/types';
import { sampleArray } from './code-cases';

const chapter = 'learning-to-denoise';
const r = String.raw;
const linear = () => scheduleConstants('linear');

/** alpha_bar_t (t >= 1) and alpha_bar_0 = 1, straight from the betas. */
function alphaBar(t: number): number {
  const betas = betaSchedule('linear');
  let a = 1;
  for (let s = 0; s < t; s++) a *= 1 - betas[s];
  return a;
}

const words = choiceExercises(
  chapter,
  r`
## posterior-mean-coefficient (formula): The weight of the clean image
The posterior mean is $\tilde\mu_t = c_0\, x_0 + c_t\, x_t$. Which is $c_0$, the weight of $x_0$?
- [x] \frac{\sqrt{\bar\alpha_{t-1}}\,\beta_t}{1-\bar\alpha_t}
  Right. At $t = 1$ it is 1 (since $\bar\alpha_0 = 1$ and $1 - \bar\alpha_1 = \beta_1$): one step from the end, the mean is the clean image.
- [ ] \frac{\sqrt{\alpha_t}\,(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}
  That is $c_t$, the weight of $x_t$: it carries $\sqrt{\alpha_t}$, the factor that links $x_t$ to $x_{t-1}$.
- [ ] \frac{\sqrt{\bar\alpha_{t}}\,\beta_t}{1-\bar\alpha_t}
  Close, but the clean image enters $x_{t-1}$ with weight $\sqrt{\bar\alpha_{t-1}}$, one step fewer than $x_t$.
- [ ] \frac{1}{\sqrt{\bar\alpha_t}}
  That factor turns $x_t$ into a guess of $x_0$ (with the noise removed); it is not a weight in the mean of one step back.
Hint: Check your candidate at $t = 1$: one step back from $x_1$ is $x_0$ itself, so $c_0$ must be 1 there.
Solution: Completing the square in $x_{t-1}$ gives $\tilde\mu_t = \frac{\sqrt{\bar\alpha_{t-1}}\beta_t}{1-\bar\alpha_t}x_0 + \frac{\sqrt{\alpha_t}(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}x_t$.

## ddim-eta-zero (choice): DDIM with η = 0
What does setting DDIM's $\eta$ to 0 do?
- [x] Sampling becomes deterministic: the same starting noise always gives the same picture.
  Right: $\eta = 0$ sets the fresh-noise variance $\sigma_t^2$ to zero, so every step is a fixed function of $x_t$.
- [ ] It gives exactly the DDPM sampler.
  DDPM's variance is $\eta = 1$ (with $\sigma_t^2 = \tilde\beta_t$); $\eta = 0$ is the other end of the knob.
- [ ] The model is retrained without noise.
  DDIM changes only sampling; the same trained network serves every η.
- [ ] It skips the VAE decoder.
  η is a property of the update of the latent, nothing to do with decoding.
Hint: Look at the term that adds $\sigma_t\,\epsilon$ in the DDIM update, and at how $\sigma_t$ depends on $\eta$.
Solution: In the DDIM update the fresh noise has standard deviation $\sigma_t = \eta\sqrt{\tilde\beta_t}$ (with respacing, the $\tilde\beta$ of the skipped steps). With $\eta = 0$ no noise is added after $x_T$, so the whole path is determined by the starting noise.
`,
);

export const EXERCISES: Exercise[] = [
  {
    id: 'posterior-variance',
    chapter,
    kind: 'numeric',
    title: 'The variance of one step back',
    prompt: r`For the linear schedule at step {{t}}, $\beta_t$ = {{beta}}. What is the posterior variance $\tilde\beta_t$ of $q(x_{t-1} \mid x_t, x_0)$? Three significant digits (scientific notation is fine, e.g. 1.23e-3).`,
    params: (rng) => ({ t: rng.int(2, 999) }),
    display: ({ t }) => ({ t: String(t), beta: linear().betas[(t as number) - 1].toPrecision(4), answer: linear().posteriorVariance[(t as number) - 1].toPrecision(4) }),
    answer: ({ t }) => linear().posteriorVariance[(t as number) - 1],
    worked: ({ t }) => {
      const T = t as number;
      return ((1 - alphaBar(T - 1)) / (1 - alphaBar(T))) * betaSchedule('linear')[T - 1];
    },
    tolerance: { rel: 0.005 },
    hints: [r`Completing the square gave $\tilde\beta_t = \frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}\,\beta_t$.`, r`The ratio is a little below 1, so $\tilde\beta_t$ is a little below $\beta_t$; at small $t$ it is much smaller.`],
    solution: r`$\tilde\beta_t = \frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}\beta_t$, with $\bar\alpha$ the running product of $1-\beta_s$. At step {{t}} this is {{answer}}.`,
  },
  {
    id: 'x0-from-eps',
    chapter,
    kind: 'numeric',
    title: 'From a noise guess to a clean-image guess',
    prompt: r`One pixel at step {{t}} (linear schedule, $\sqrt{\bar\alpha_t}$ = {{sab}}, $\sqrt{1-\bar\alpha_t}$ = {{s1mab}}) has the value $x_t$ = {{xt}}, and the network predicts the noise $\hat\epsilon$ = {{eps}}. What is the predicted clean pixel $\hat x_0$? Two decimals.`,
    params: (rng) => ({ t: 10 * rng.int(5, 60), xt: rng.int(-150, 150) / 100, eps: rng.int(-200, 200) / 100 }),
    display: ({ t, xt, eps }) => ({
      t: String(t),
      sab: linear().sqrtAlphasCumprod[(t as number) - 1].toFixed(4),
      s1mab: linear().sqrtOneMinusAlphasCumprod[(t as number) - 1].toFixed(4),
      xt: String(xt),
      eps: String(eps),
    }),
    answer: ({ t, xt, eps }) => {
      const c = linear();
      return c.sqrtRecipAlphasCumprod[(t as number) - 1] * (xt as number) - c.sqrtRecipm1AlphasCumprod[(t as number) - 1] * (eps as number);
    },
    worked: ({ t, xt, eps }) => {
      const a = alphaBar(t as number);
      return ((xt as number) - Math.sqrt(1 - a) * (eps as number)) / Math.sqrt(a);
    },
    tolerance: { abs: 0.011 },
    hints: [r`Solve the closed form $x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\epsilon$ for $x_0$, with $\hat\epsilon$ in place of $\epsilon$.`],
    solution: r`$\hat x_0 = \big(x_t - \sqrt{1-\bar\alpha_t}\,\hat\epsilon\big)/\sqrt{\bar\alpha_t}$ = ({{xt}} − {{s1mab}} × {{eps}}) / {{sab}}.`,
  },
  words('posterior-mean-coefficient'),
  words('ddim-eta-zero'),
  {
    id: 'code-posterior-mean',
    chapter,
    kind: 'code',
    title: 'Write the posterior mean',
    prompt: r`Write \`posteriorMean(x0, xt, t)\`: the mean $\tilde\mu_t = \frac{\sqrt{\bar\alpha_{t-1}}\,\beta_t}{1-\bar\alpha_t} x_0 + \frac{\sqrt{\alpha_t}\,(1-\bar\alpha_{t-1})}{1-\bar\alpha_t} x_t$ of one step back, element by element, for the linear schedule and $t$ from 1 to 1000. \`schedule()\` gives \`betas\` and \`alphaBar\`, indexed from 0; $\bar\alpha_0 = 1$.`,
    fn: 'posteriorMean',
    starter: `function posteriorMean(x0, xt, t) {
  const { betas, alphaBar } = schedule(); // betas[t - 1] is beta_t, alphaBar[t - 1] is alpha-bar_t
  return x0;
}
`,
    solutionCode: `function posteriorMean(x0, xt, t) {
  const { betas, alphaBar } = schedule();
  const beta = betas[t - 1];
  const ab = alphaBar[t - 1];
  const abPrev = t > 1 ? alphaBar[t - 2] : 1;
  const c0 = (Math.sqrt(abPrev) * beta) / (1 - ab);
  const ct = (Math.sqrt(1 - beta) * (1 - abPrev)) / (1 - ab);
  return x0.map((x, i) => c0 * x + ct * xt[i]);
}
`,
    wrongCode: `function posteriorMean(x0, xt, t) {
  const { betas, alphaBar } = schedule();
  const beta = betas[t - 1];
  const ab = alphaBar[t - 1];
  const abPrev = alphaBar[t - 1]; // off by one: this is alpha-bar_t, not alpha-bar_{t-1}
  const c0 = (Math.sqrt(abPrev) * beta) / (1 - ab);
  const ct = (Math.sqrt(1 - beta) * (1 - abPrev)) / (1 - ab);
  return x0.map((x, i) => c0 * x + ct * xt[i]);
}
`,
    params: (rng) => ({ seed: rng.int(1, 1e6), t: rng.int(3, 999) }),
    cases: ({ seed, t }) =>
      [1, 2, t as number, 1000].map((step, k) => ({
        name: `t = ${step}`,
        args: [sampleArray((seed as number) + k, 5), sampleArray((seed as number) + 50 + k, 5, 2), step],
      })),
    reference: 'posterior-mean',
    tolerance: { abs: 1e-5 },
    hints: [r`$\alpha_t = 1 - \beta_t$, and $\bar\alpha_{t-1}$ is the entry before $\bar\alpha_t$: \`alphaBar[t - 2]\`, or 1 at $t = 1$.`, r`At $t = 1$ the mean must be $x_0$ itself: check that case first.`],
    solution: r`Compute the two coefficients once, then combine element by element; the case $t = 1$ needs $\bar\alpha_0 = 1$, which is not in the array. The classic slip is taking $\bar\alpha_t$ for $\bar\alpha_{t-1}$.`,
  },
];
