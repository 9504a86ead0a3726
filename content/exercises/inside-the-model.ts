/** Chapter 8's exercises: reading attention rows, and what the widget found. */
import { meanDistance, rowEntropy, uniformDistance } from '@/lib/inspect/attention';
import { choiceExercises } from '@/lib/exercises/choice-text';
import type { Exercise } from '@/lib/exercises/types';
import { sampleArray } from './code-cases';

const chapter = 'inside-the-model';
const r = String.raw;

/** A softmax of random scores: an attention row that sums to 1. */
function softmaxRow(seed: number, n: number, sharpness: number): number[] {
  const s = sampleArray(seed, n, sharpness);
  const m = Math.max(...s);
  const e = s.map((v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

const words = choiceExercises(
  chapter,
  r`
## h4-result (choice): From local to global?
Uses: attention-maps
Hypothesis H4 expected local heads in early blocks and global heads in late ones, as in vision transformers. What did the widget show for our DiT-mini-B/2?
- [x] The focused, local heads sit in the middle blocks (2 to 4); blocks 1 and 6 are diffuse at every timestep. H4 does not hold.
  Right: the shift heads are in blocks 2 to 4, and the first and last blocks read broadly, around the uniform distance of 2.01.
- [ ] Block 1 is the most local and block 6 the most global, as H4 expected.
  Block 1 is one of the two diffuse blocks, with mean distances around the uniform value.
- [ ] Every block attends uniformly: the model has not learned any structure.
  Six heads in the middle blocks each read one fixed neighbour (shift heads) at small t.
- [ ] The pattern depends on the digit: local for a 1, global for an 8.
  Each shift head points the same way for all ten digits; the digit changes how much weight goes to the neighbour, not which one.
Hint: Open the widget’s head summary at t = 50 and compare the mean distances of blocks 1, 3 and 6.
Solution: Local heads (shift heads reading one neighbour) are in blocks 2 to 4; blocks 1 and 6 are diffuse at every timestep, with entropies of 2 nats or more. So the ordering of vision transformers does not appear here.
`,
);

export const EXERCISES: Exercise[] = [
  {
    id: 'uniform-entropy',
    chapter,
    kind: 'numeric',
    title: 'The entropy of reading everything',
    prompt: r`A query that spreads its attention evenly over all {{n}} tokens (a latent cut with $p$ = {{p}}): what is the entropy of its row, in nats? Three decimals.`,
    params: (rng) => ({ p: rng.pick([1, 2, 4]) }),
    display: ({ p }) => ({ p: String(p), n: String((8 / (p as number)) ** 2), answer: Math.log((8 / (p as number)) ** 2).toFixed(3) }),
    answer: ({ p }) => {
      const n = (8 / (p as number)) ** 2;
      return rowEntropy(new Array<number>(n).fill(1 / n));
    },
    worked: ({ p }) => 2 * Math.log(8 / (p as number)),
    tolerance: { abs: 0.0015 },
    hints: [r`$H = -\sum_k a_k \log a_k$ with every $a_k = 1/n$.`],
    solution: r`$H = -n \cdot \frac1n \log\frac1n = \log n$ = {{answer}} nats: the largest entropy a row of {{n}} can have. A head that reads only one token has entropy 0.`,
  },
  {
    id: 'uniform-distance',
    chapter,
    kind: 'numeric',
    title: 'How far does an even reader look?',
    prompt: r`On the 4×4 grid of tokens (our model at $p = 2$), a row that spreads attention evenly has a mean attention distance averaged over all 16 queries. What is it, in grid steps? Three decimals. (Distance: the straight-line distance between the query's and the key's positions.)`,
    answer: () => uniformDistance(4),
    worked: () => {
      let total = 0;
      for (let q = 0; q < 16; q++) total += meanDistance(new Array<number>(16).fill(1 / 16), q, 4);
      return total / 16;
    },
    tolerance: { abs: 0.0015 },
    hints: ['For one query, average its distance to all 16 tokens (itself included, at distance 0); then average over the 16 queries.', 'By symmetry, only the corner, edge and inner queries differ.'],
    solution: r`Averaging $\sqrt{\Delta i^2 + \Delta j^2}$ over all pairs of the 16 positions gives about 2.01 grid steps: the chapter's yardstick for "diffuse" heads. A head that reads its right neighbour has distance 1.`,
  },
  words('h4-result'),
  {
    id: 'code-row-entropy',
    chapter,
    kind: 'code',
    title: 'Write the entropy of an attention row',
    prompt: r`Write \`rowEntropy(row)\`: the entropy $-\sum_k a_k \log a_k$ (natural log) of an attention row that sums to 1. A weight of exactly 0 adds nothing ($0 \log 0 = 0$).`,
    fn: 'rowEntropy',
    starter: `function rowEntropy(row) {
  return 0;
}
`,
    solutionCode: `function rowEntropy(row) {
  let h = 0;
  for (const a of row) if (a > 0) h -= a * Math.log(a);
  return h;
}
`,
    wrongCode: `function rowEntropy(row) {
  return -row.reduce((h, a) => h + a * Math.log(a), 0); // 0 * log 0 is NaN here
}
`,
    params: (rng) => ({ seed: rng.int(1, 1e6) }),
    cases: ({ seed }) => [
      { name: 'uniform over 16', args: [new Array<number>(16).fill(1 / 16)] },
      { name: 'all weight on one token', args: [[0, 0, 1, 0]] },
      { name: 'a sharp row of 16', args: [softmaxRow(seed as number, 16, 6)] },
      { name: 'a soft row of 64', args: [softmaxRow((seed as number) + 1, 64, 1)] },
    ],
    reference: 'row-entropy',
    tolerance: { abs: 1e-6 },
    hints: ['Skip the zero weights: in JavaScript 0 * Math.log(0) is NaN.'],
    solution: r`Sum $-a\log a$ over the positive weights only. The one-hot row has entropy 0, the uniform row of 16 has $\log 16 \approx 2.77$: the range the widget's colour scale spans.`,
  },
];
