/** Chapter 2's exercises: the forward process, the closed form and the schedules. */
import { scheduleConstants, type ScheduleName } from '@/lib/diffusion/schedules';
import { choiceExercises } from '@/lib/exercises/choice-text';
import type { Exercise } from '@/lib/exercises/types';
import { sampleArray } from './code-cases';

const chapter = 'diffusion-step-by-step';
const r = String.raw;

/** Eq. linear-betas written out: beta_s = 1e-4 + (s - 1) / (T - 1) * (0.02 - 1e-4). */
const linearBeta = (s: number) => 1e-4 + ((s - 1) / 999) * (0.02 - 1e-4);
const alphaBarByProduct = (t: number) => {
  let a = 1;
  for (let s = 1; s <= t; s++) a *= 1 - linearBeta(s);
  return a;
};

/** The first step t (1-based) at which the schedule's log-SNR is below `level`. */
export function firstStepBelow(schedule: ScheduleName, level: number): number {
  const { logSnr } = scheduleConstants(schedule);
  const i = logSnr.findIndex((l) => l < level);
  return i + 1;
}

const words = choiceExercises(
  chapter,
  r`
## closed-form-pick (formula): The closed form
Which distribution is $q(x_t \mid x_0)$, the noisy image after $t$ steps of the forward process?
- [x] \mathcal{N}\big(\sqrt{\bar\alpha_t}\, x_0,\ (1 - \bar\alpha_t) I\big)
  Right: the image is scaled by $\sqrt{\bar\alpha_t}$ and the noise variance is what is left, $1 - \bar\alpha_t$, so a unit-variance pixel stays at variance 1.
- [ ] \mathcal{N}\big(\bar\alpha_t\, x_0,\ (1 - \bar\alpha_t) I\big)
  The mean scales by the square root: $\bar\alpha_t$ is the variance kept by the image, and a variance scales by the square of the factor.
- [ ] \mathcal{N}\big(\sqrt{\alpha_t}\, x_0,\ \beta_t I\big)
  That is one step, $q(x_t \mid x_{t-1})$ with $x_{t-1}$ replaced by $x_0$; after $t$ steps the factors multiply into $\bar\alpha_t$.
- [ ] \mathcal{N}\big(\sqrt{\bar\alpha_t}\, x_0,\ \textstyle\sum_{s \le t} \beta_s\, I\big)
  Adding the betas ignores that each step also shrinks the noise already there; the variances combine to $1 - \bar\alpha_t$, not to $\sum \beta_s$.
Hint: Two rules: scaling by $a$ multiplies a variance by $a^2$; independent variances add.
Solution: By induction on $t$ (the section "Any number of steps"), $x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\epsilon$, so $q(x_t \mid x_0) = \mathcal{N}(\sqrt{\bar\alpha_t}\,x_0, (1-\bar\alpha_t) I)$.

## why-shrink (choice): Why shrink at every step?
One step of the forward process is $x_t = \sqrt{1-\beta_t}\, x_{t-1} + \sqrt{\beta_t}\, \epsilon$. Why is $x_{t-1}$ multiplied by $\sqrt{1-\beta_t}$ instead of kept as it is?
- [x] So that a pixel of variance 1 still has variance 1 after the step, and the chain ends at a standard normal.
  Right: $(1-\beta_t) \cdot 1 + \beta_t = 1$. Without the shrink the variance would grow by $\beta_t$ each step and never settle.
- [ ] So that the network has less to learn at large t.
  The factor is part of the data process, fixed before any network exists; it is about where the chain ends, not about learning.
- [ ] So that the image reaches exactly zero at t = T.
  The image weight $\sqrt{\bar\alpha_T}$ gets small but is not zero (about 0.006 for the linear schedule, 0.07 for the scaled-linear one).
- [ ] To keep pixel values inside [-1, 1].
  Gaussian noise is unbounded; x_t leaves [-1, 1] at any t > 0 whatever the factor.
Hint: Compute the variance of $x_t$ when $x_{t-1}$ has variance 1 and $\epsilon$ is independent with variance 1.
Solution: $\operatorname{Var}(x_t) = (1-\beta_t)\operatorname{Var}(x_{t-1}) + \beta_t = 1$ when $\operatorname{Var}(x_{t-1}) = 1$. The shrink keeps the scale fixed, so after many steps $x_T$ is close to $\mathcal{N}(0, I)$, the distribution sampling starts from.
`,
);

export const EXERCISES: Exercise[] = [
  {
    id: 'log-snr-crossing-widget',
    chapter,
    kind: 'widget',
    widget: 'noise-schedule-explorer',
    reads: 'Check the widget’s t',
    title: 'Find the step in the widget',
    prompt: r`In the schedule explorer above, move $t$ to the **first** step at which the {{schedule}} schedule's log-SNR $\lambda_t$ is below {{level}}. Then check.`,
    params: (rng) => ({ schedule: rng.pick(['linear', 'cosine', 'scaled-linear'] as const), level: -rng.int(0, 5) }),
    display: ({ schedule, level }) => ({ schedule: String(schedule), level: level === 0 ? '0' : `−${-(level as number)}`, answer: String(firstStepBelow(schedule as ScheduleName, level as number)) }),
    check: (state, { schedule, level }) => {
      const t = Number(state.t);
      const want = firstStepBelow(schedule as ScheduleName, level as number);
      if (!Number.isInteger(t)) return { correct: false, message: 'The widget has not reported a step yet.' };
      if (t === want) return { correct: true, message: `Right: t = ${t} is the first step below ${level}.` };
      const lam = scheduleConstants(schedule as ScheduleName).logSnr[t - 1];
      return lam < (level as number)
        ? { correct: false, message: `At t = ${t} the log-SNR is ${lam.toFixed(2)}, below ${level}, but an earlier step is too: move left.` }
        : { correct: false, message: `At t = ${t} the log-SNR is ${lam.toFixed(2)}, still above ${level}: move right.` };
    },
    worked: ({ schedule, level }) => ({ t: firstStepBelow(schedule as ScheduleName, level as number) }),
    wrong: ({ schedule, level }) => ({ t: firstStepBelow(schedule as ScheduleName, level as number) - 1 }),
    hints: ['The readout under the log-SNR chart gives λₜ for all three schedules at the current t; the arrow keys move t by one step.'],
    solution: r`The log-SNR falls as $t$ grows, so the answer is where the {{schedule}} curve first dips under {{level}}: $t$ = {{answer}}.`,
  },
  {
    id: 'image-weight-linear',
    chapter,
    kind: 'numeric',
    title: 'How much of the image is left?',
    prompt: r`With the linear schedule ($\beta_1 = 10^{-4}$ up to $\beta_T = 0.02$, $T = 1000$), what is the weight of the image $\sqrt{\bar\alpha_t}$ at step {{t}}? Give it to two decimals.`,
    params: (rng) => ({ t: 50 * rng.int(1, 19) }),
    answer: ({ t }) => scheduleConstants('linear').sqrtAlphasCumprod[(t as number) - 1],
    worked: ({ t }) => Math.sqrt(alphaBarByProduct(t as number)),
    tolerance: { abs: 0.006 },
    hints: [r`$\bar\alpha_t$ is a product: $\bar\alpha_t = \prod_{s=1}^{t} (1 - \beta_s)$, with the $\beta_s$ evenly spaced.`, r`Multiply the $t$ factors $1 - \beta_s$ (a short loop does it), then take the square root.`],
    solution: r`The betas rise evenly, $\beta_s = 10^{-4} + \frac{s-1}{999}(0.02 - 10^{-4})$. Multiplying $1 - \beta_s$ for $s = 1, \dots, t$ gives $\bar\alpha_t$, and the image weight in the closed form is its square root. For step {{t}} that is {{answer}}.`,
    display: ({ t }) => ({ t: String(t), answer: scheduleConstants('linear').sqrtAlphasCumprod[(t as number) - 1].toFixed(3) }),
  },
  words('closed-form-pick'),
  words('why-shrink'),
  {
    id: 'log-snr-value',
    chapter,
    kind: 'numeric',
    title: 'Log signal-to-noise',
    prompt: r`For the {{schedule}} schedule at step {{t}}, $\bar\alpha_t$ = {{alphaBar}}. What is the log signal-to-noise ratio $\lambda_t$ (natural log)? Two decimals.`,
    params: (rng) => ({ schedule: rng.pick(['linear', 'cosine'] as const), t: 100 * rng.int(1, 9) }),
    display: ({ schedule, t }) => ({
      schedule: String(schedule),
      t: String(t),
      alphaBar: scheduleConstants(schedule as ScheduleName).alphasCumprod[(t as number) - 1].toFixed(5),
      answer: scheduleConstants(schedule as ScheduleName).logSnr[(t as number) - 1].toFixed(2),
    }),
    answer: ({ schedule, t }) => scheduleConstants(schedule as ScheduleName).logSnr[(t as number) - 1],
    worked: ({ schedule, t }) => {
      const a = Number(scheduleConstants(schedule as ScheduleName).alphasCumprod[(t as number) - 1].toFixed(5));
      return Math.log(a / (1 - a));
    },
    tolerance: { abs: 0.02 },
    hints: [r`$\lambda_t = \log\big(\bar\alpha_t / (1 - \bar\alpha_t)\big)$: the signal's variance over the noise's.`],
    solution: r`$\lambda_t = \log\big(\bar\alpha_t/(1-\bar\alpha_t)\big)$ with $\bar\alpha_t$ = {{alphaBar}} gives {{answer}}. Negative means more noise than image.`,
  },
  {
    id: 'code-q-sample',
    chapter,
    kind: 'code',
    title: 'Write q_sample',
    prompt: r`Write \`qSample(x0, t, eps)\`: the closed form $x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\epsilon$ for the linear schedule, element by element. \`x0\` and \`eps\` are arrays of the same length and $t$ runs from 1 to 1000. \`schedule()\` gives the chapter's arrays, indexed from 0: \`schedule().alphaBar[t - 1]\` is $\bar\alpha_t$.`,
    fn: 'qSample',
    starter: `function qSample(x0, t, eps) {
  const { alphaBar } = schedule(); // alphaBar[t - 1] is alpha-bar at step t
  // return an array: one noisy value for each value of x0
  return x0;
}
`,
    solutionCode: `function qSample(x0, t, eps) {
  const a = schedule().alphaBar[t - 1];
  return x0.map((x, i) => Math.sqrt(a) * x + Math.sqrt(1 - a) * eps[i]);
}
`,
    wrongCode: `function qSample(x0, t, eps) {
  const a = schedule().alphaBar[t - 1];
  return x0.map((x, i) => a * x + (1 - a) * eps[i]); // forgot the square roots
}
`,
    params: (rng) => ({ seed: rng.int(1, 1e6), t: rng.int(2, 999) }),
    cases: ({ seed, t }) =>
      [1, 250, t as number, 1000].map((step, k) => ({
        name: `t = ${step}, ${k === 2 ? 8 : 4} values`,
        args: [sampleArray((seed as number) + k, k === 2 ? 8 : 4), step, sampleArray((seed as number) + 100 + k, k === 2 ? 8 : 4, 2)],
      })),
    reference: 'q-sample',
    tolerance: { abs: 1e-5 },
    hints: [r`$\bar\alpha_t$ is \`schedule().alphaBar[t - 1]\`; the weights are its square root and the square root of one minus it.`],
    solution: r`Look up $\bar\alpha_t$ once, then map every pixel: \`Math.sqrt(a) * x0[i] + Math.sqrt(1 - a) * eps[i]\`. A common slip is to drop the square roots, which gives the variances, not the weights.`,
  },
];
