/** Chapter 11's exercises: the warm-up, the EMA's decay, and why the average is what ships. */
import { warmupConstant } from '@/lib/train/browser-recipe';
import { emaDecayAt } from '@/lib/train/ema-decay';
import { choiceExercises } from '@/lib/exercises/choice-text';
import type { Exercise } from '@/lib/exercises/types';

const chapter = 'train-your-own';
const r = String.raw;

const words = choiceExercises(
  chapter,
  r`
## why-ema (choice): Why ship the average?
DiT evaluates and ships an exponential moving average (EMA) of the weights, not the last weights the optimiser produced. Why?
- [x] With a constant learning rate the raw weights keep jittering around a good region; the average sits nearer its centre and usually samples better.
  Right: the EMA smooths the last updates’ noise. (Early in a short run it can lag behind and be worse, which is why our ship step scores both.)
- [ ] The average has fewer parameters.
  The EMA is a second copy of every weight, the same shape as the raw ones.
- [ ] The raw weights are not saved.
  Both are kept in the checkpoint; the question is which samples better.
- [ ] The EMA is what the optimiser actually trains.
  The optimiser updates the raw weights; the EMA only follows them.
Hint: What does averaging do to noise?
Solution: The raw weights at any one step carry the noise of the latest minibatches; the EMA averages over roughly the last d/(1 − d) updates, which smooths it out. DiT reports every result with EMA weights; our ship step compares both and keeps the better one.
`,
);

export const EXERCISES: Exercise[] = [
  {
    id: 'warmup-lr',
    chapter,
    kind: 'numeric',
    title: 'The learning rate during warm-up',
    prompt: r`A recipe warms the learning rate up linearly over the first {{warmup}} updates to a peak of {{peak}}, then keeps it constant. What is the learning rate of update number {{k}} (the first update is number 1)?`,
    params: (rng) => ({ warmup: rng.pick([100, 250, 500]), peak: rng.pick([1e-4, 2e-4, 5e-4, 1e-3]), k: rng.int(1, 600) }),
    display: ({ warmup, peak, k }) => ({ warmup: String(warmup), peak: String(peak), k: String(k), answer: String(Number(warmupConstant(peak as number, warmup as number)((k as number) - 1).toPrecision(4))) }),
    answer: ({ warmup, peak, k }) => warmupConstant(peak as number, warmup as number)((k as number) - 1),
    worked: ({ warmup, peak, k }) => (peak as number) * Math.min(1, (k as number) / (warmup as number)),
    tolerance: { rel: 1e-3 },
    hints: ['During the warm-up, update k gets k / warmup of the peak; after it, the peak itself.'],
    solution: r`Update {{k}} of a {{warmup}}-update warm-up: $\min(1, k/W)$ × {{peak}} = {{answer}}.`,
  },
  {
    id: 'ema-decay-at',
    chapter,
    kind: 'numeric',
    title: "The average's decay early in training",
    prompt: r`Our recipes use an EMA with $d = 0.999$ and the warm-up $d_k = \min\big(d, \frac{1+k}{10+k}\big)$. What decay does update {{k}} use? Four decimals.`,
    params: (rng) => ({ k: rng.pick([1, 10, 50, 100, 500, 5000]) }),
    display: ({ k }) => ({ k: String(k), answer: emaDecayAt(0.999, k as number).toFixed(4) }),
    answer: ({ k }) => emaDecayAt(0.999, k as number),
    worked: ({ k }) => Math.min(0.999, (1 + (k as number)) / (10 + (k as number))),
    tolerance: { abs: 0.00006 },
    hints: ['Compute (1 + k) / (10 + k) and compare it with 0.999.'],
    solution: r`$d_{k} = \min(0.999, (1+k)/(10+k))$ = {{answer}}. Early on the average follows the raw weights closely; the warm-up reaches 0.999 only after about 9,000 updates.`,
  },
  words('why-ema'),
  {
    id: 'code-warmup-lr',
    chapter,
    kind: 'code',
    title: 'Write the warm-up schedule',
    prompt: r`Write \`learningRate(step, peak, warmup)\` for a step counted from 0: during the first \`warmup\` steps the rate rises linearly to \`peak\`, reaching it at step \`warmup - 1\`; afterwards it stays at \`peak\`. With \`warmup\` = 0 it is always \`peak\`.`,
    fn: 'learningRate',
    starter: `function learningRate(step, peak, warmup) {
  return peak;
}
`,
    solutionCode: `function learningRate(step, peak, warmup) {
  return warmup > 0 && step < warmup ? (peak * (step + 1)) / warmup : peak;
}
`,
    wrongCode: `function learningRate(step, peak, warmup) {
  return step < warmup ? (peak * step) / warmup : peak; // starts at 0: the first update would not move
}
`,
    params: (rng) => ({ peak: rng.pick([1e-4, 5e-4, 1e-3]) }),
    cases: ({ peak }) =>
      (
        [
          [0, 250],
          [124, 250],
          [249, 250],
          [4000, 250],
          [0, 0],
        ] as const
      ).map(([step, warmup]) => ({ name: `step ${step}, warm-up ${warmup}`, args: [step, peak as number, warmup] })),
    reference: 'warmup-lr',
    tolerance: { rel: 1e-9 },
    hints: ['Step 0 must already have a non-zero rate: peak / warmup.'],
    solution: r`\`warmup > 0 && step < warmup ? peak * (step + 1) / warmup : peak\`, the project's \`warmupConstant\`. Starting at exactly 0 would waste the first update.`,
  },
];
