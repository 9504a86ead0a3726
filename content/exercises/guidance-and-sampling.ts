/** Chapter 7's exercises: classifier-free guidance and what sampling costs. */
import { getPreset } from '@/lib/dit/config';
import { gflops } from '@/lib/dit/flops';
import { choiceExercises } from '@/lib/exercises/choice-text';
import type { Exercise } from '@/lib/exercises/types';
import { sampleArray } from './code-cases';

const chapter = 'guidance-and-sampling';
const r = String.raw;

const words = choiceExercises(
  chapter,
  r`
## cfg-formula (formula): The guided noise prediction
Which is the classifier-free guided prediction $\hat\epsilon$ at guidance scale $s$, from the conditional $\epsilon_y$ and unconditional $\epsilon_\varnothing$ predictions?
- [x] \epsilon_\varnothing + s\,(\epsilon_y - \epsilon_\varnothing)
  Right: $s = 1$ gives $\epsilon_y$, $s = 0$ gives $\epsilon_\varnothing$, and $s > 1$ extrapolates past the conditional prediction.
- [ ] \epsilon_y + s\,(\epsilon_y - \epsilon_\varnothing)
  At $s = 1$ this is not the conditional model: it already extrapolates, so "no guidance" would have to be $s = 0$.
- [ ] s\,\epsilon_y + (1 - s)\,\epsilon_y
  This is always $\epsilon_y$: the unconditional prediction must enter somewhere.
- [ ] \frac{\epsilon_y + \epsilon_\varnothing}{2}
  An average interpolates between the two; guidance with s > 1 extrapolates beyond the conditional prediction.
Hint: Check what each formula gives at $s = 1$: guidance at scale 1 must be the ordinary conditional model.
Solution: $\hat\epsilon = \epsilon_\varnothing + s(\epsilon_y - \epsilon_\varnothing)$, equivalently $(1 + w)\epsilon_y - w\epsilon_\varnothing$ with $s = 1 + w$ (Ho and Salimans' form).

## guidance-scale-one (choice): Guidance scale 1
The reverse sampler lets you set the guidance scale s. What do you get at s = 1?
- [x] The plain class-conditional model: no guidance at all.
  Right: $\epsilon_\varnothing + 1\cdot(\epsilon_y - \epsilon_\varnothing) = \epsilon_y$. Only $s > 1$ sharpens towards the class.
- [ ] The unconditional model: the class is ignored.
  That is s = 0.
- [ ] Twice the guidance of s = 0.5, so somewhat sharper digits.
  Between 0 and 1 the prediction moves from unconditional to conditional; s = 1 is exactly the conditional model, not extra guidance.
- [ ] The sampler skips the network call for the null class, so it is twice as fast.
  A sampler may skip it at s = 1 (ours does), but that is a consequence, not what s = 1 means for the samples.
Hint: Put $s = 1$ into $\epsilon_\varnothing + s(\epsilon_y - \epsilon_\varnothing)$.
Solution: At $s = 1$ the formula returns $\epsilon_y$, the conditional prediction: sampling follows $p(x \mid y)$ with no extra push. DiT's reported FID without guidance is this setting.
`,
);

export const EXERCISES: Exercise[] = [
  words('cfg-formula'),
  words('guidance-scale-one'),
  {
    id: 'grid-cost',
    chapter,
    kind: 'numeric',
    title: 'What the sampler widget costs',
    prompt: r`The reverse sampler draws {{n}} digits with DiT-mini-B/2, which needs {{mflops}} Mflops (multiply-adds, as the paper counts) per image and step, using {{steps}} steps {{guided}}. How many Gflops is that in all?`,
    params: (rng) => ({ steps: rng.pick([10, 25, 50, 100]), guided: rng.pick([0, 1]), n: 16 }),
    display: ({ steps, guided, n }) => ({
      n: String(n),
      steps: String(steps),
      mflops: (gflops(getPreset('DiT-mini-B/2')) * 1000).toFixed(2),
      guided: guided ? 'with classifier-free guidance' : 'at guidance scale 1 (no guidance)',
      answer: ((steps as number) * (n as number) * (guided ? 2 : 1) * gflops(getPreset('DiT-mini-B/2'))).toFixed(1),
    }),
    answer: ({ steps, guided, n }) => (steps as number) * (n as number) * (guided ? 2 : 1) * gflops(getPreset('DiT-mini-B/2')),
    worked: ({ steps, guided, n }) => ((steps as number) * (n as number) * (guided ? 2 : 1) * Number((gflops(getPreset('DiT-mini-B/2')) * 1000).toFixed(2))) / 1000,
    tolerance: { rel: 0.01 },
    unit: 'Gflops',
    hints: ['Every step runs the network once per image; guidance runs it a second time, on the null class.', 'Mflops to Gflops: divide by 1,000.'],
    solution: r`{{steps}} steps × {{n}} images × {{mflops}} Mflops, doubled with guidance: {{answer}} Gflops. Each floating-point multiply-add counts as two FLOPs elsewhere, so twice this in FLOPs.`,
  },
  {
    id: 'code-cfg',
    chapter,
    kind: 'code',
    title: 'Write classifier-free guidance',
    prompt: r`Write \`guide(epsCond, epsUncond, s)\`: the guided prediction $\epsilon_\varnothing + s(\epsilon_y - \epsilon_\varnothing)$, element by element, for arrays of the same length and a guidance scale \`s\`.`,
    fn: 'guide',
    starter: `function guide(epsCond, epsUncond, s) {
  return epsCond;
}
`,
    solutionCode: `function guide(epsCond, epsUncond, s) {
  return epsUncond.map((u, i) => u + s * (epsCond[i] - u));
}
`,
    wrongCode: `function guide(epsCond, epsUncond, s) {
  return epsCond.map((c, i) => c + s * (c - epsUncond[i])); // extrapolates from the wrong end
}
`,
    params: (rng) => ({ seed: rng.int(1, 1e6), s: rng.pick([1.5, 3, 4, 7.5]) }),
    cases: ({ seed, s }) =>
      [1, 0, s as number, 10].map((scale, k) => ({ name: `s = ${scale}`, args: [sampleArray((seed as number) + k, 6, 2), sampleArray((seed as number) + 30 + k, 6, 2), scale] })),
    reference: 'cfg',
    tolerance: { abs: 1e-5 },
    hints: [r`At $s = 1$ your function must return \`epsCond\` unchanged, at $s = 0$ \`epsUncond\`.`],
    solution: r`\`epsUncond.map((u, i) => u + s * (epsCond[i] - u))\`. The reference is the project's own \`classifierFreeGuidance\`, run on a stand-in network that answers these two predictions.`,
  },
];
