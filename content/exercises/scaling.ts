/** Chapter 9's exercises: the cost of a block, what the patch size changes, and rank correlation. */
import { getPreset, numPatches } from '@/lib/dit/config';
import { countFlops } from '@/lib/dit/flops';
import { spearman } from '@/lib/models/rank-correlation';
import { PAPER_SCALING } from '@/lib/models/paper-results';
import { choiceExercises } from '@/lib/exercises/choice-text';
import type { Exercise, ParamRng } from '@/lib/exercises/types';
import { sampleArray } from './code-cases';

const chapter = 'scaling';
const r = String.raw;

/** Five of the paper's twelve models, different for each student, in the table's order. */
function pickFive(rng: ParamRng): string {
  const all = PAPER_SCALING.map((_, i) => i);
  for (let i = all.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all
    .slice(0, 5)
    .sort((a, b) => a - b)
    .join(',');
}
const rows = (picked: string) => picked.split(',').map((i) => PAPER_SCALING[Number(i)]);

/** Spearman's rho without ties, by the textbook formula: 1 - 6 sum d^2 / (n (n^2 - 1)). */
function rhoByFormula(x: number[], y: number[]): number {
  const rank = (v: number[]) => v.map((a) => v.filter((b) => b < a).length + 1);
  const rx = rank(x);
  const ry = rank(y);
  const n = x.length;
  return 1 - (6 * rx.reduce((s, a, i) => s + (a - ry[i]) ** 2, 0)) / (n * (n * n - 1));
}

const words = choiceExercises(
  chapter,
  r`
## grid-smaller-patch (choice): Does the smaller patch help yet?
Uses: scaling-chart
Read our grid's FLD in the chart or its table (1,000 training steps, lower is better). At which model sizes does patch 2 beat patch 4?
- [x] Only at size S.
  Right: S/2 beats S/4 (639 against 1,107), but at B and L patch 4 still scores best after 1,000 steps.
- [ ] At every size, as in the paper.
  Not yet at this budget: at B and L the p = 4 models have the lower FLD (424 and 395 against 580 and 487).
- [ ] At no size.
  At size S it does: 639 against 1,107.
- [ ] Only at size L, the largest.
  At L, patch 4 is ahead: 395 against 487.
Hint: Compare each size’s p = 2 and p = 4 points (or rows of the table under the chart).
Solution: Only the smallest model gains from the smaller patch after 1,000 steps. The paper’s models, after 400K steps, gain at every size: the compute spent on more tokens had not paid off yet here, which is why the chapter calls the grid too short-trained to settle the question.

## grid-equal-compute (choice): Equal compute, equal quality?
Uses: scaling-chart
Our mini-S/1 (14.86 Mflops) and mini-L/4 (16.28 Mflops) need about the same compute per image. Do they score alike?
- [x] No: the larger model with fewer tokens, L/4, is far better (FLD 395 against 776).
  Right: at equal compute the 5.5M-parameter L/4 beats the 0.33M-parameter S/1 by a wide margin after 1,000 steps.
- [ ] Yes: equal Gflops give equal FLD, as the paper’s trend suggests.
  The paper’s trend is across its twelve models at 400K steps; our two equal-compute models differ by a factor of two in FLD.
- [ ] No: S/1 is better, because more tokens carry more detail.
  S/1 has the higher (worse) FLD, 776 against 395.
- [ ] They cannot be compared: they have different patch sizes.
  FLD compares samples, whatever the model; that is what makes a compute-matched comparison possible.
Hint: Find S/1 and L/4 in the chart: they sit at nearly the same x.
Solution: They do not: L/4 scores FLD 395, S/1 776. In this short run, parameters (width and depth) paid off more than tokens at the same compute, the opposite of what the paper found after 400K steps for its larger models.

## patch-halving-effect (choice): What halving the patch changes
At a fixed model size, what does going from p = 4 to p = 2 change?
- [x] About four times the compute, and almost exactly the same parameters.
  Right: four times the tokens; the weights act on every token alike, so only the patch embedding and the final layer (and the position table, which is not trained) change size.
- [ ] Four times the parameters and four times the compute.
  The blocks do not grow with the number of tokens: the same weights serve every token.
- [ ] Half the compute: each token is smaller.
  Each token is smaller before the embedding, but after it every token is a D-vector, and there are four times as many.
- [ ] Nothing, as long as the model size stays the same.
  The sequence length changes, and with it every per-token cost: the paper’s point is that this extra compute improves FID.
Hint: Count tokens: the latent side divided by p, squared.
Solution: Halving $p$ quadruples $T = (I/p)^2$, and almost all the cost is per token ($12TD^2$, plus $2T^2D$ which grows even faster). The parameters are the same weights applied to more tokens. That is how the paper separates compute from parameters: DiT-XL/2 and DiT-XL/8 have the same 675M parameters and 119 against 7 Gflops.
`,
);

export const EXERCISES: Exercise[] = [
  words('grid-smaller-patch'),
  words('grid-equal-compute'),
  {
    id: 'block-cost',
    chapter,
    kind: 'numeric',
    title: 'The cost of one block',
    prompt: r`One adaLN-Zero block costs $12\,TD^2 + 2\,T^2D + 6\,D^2$ multiply-adds. How many millions is that for DiT-{{size}}/{{p}} on 256×256 images ($T$ = {{T}} tokens, $D$ = {{D}})? Three significant digits.`,
    params: (rng) => ({ size: rng.pick(['S', 'B', 'L', 'XL']), p: rng.pick([2, 4, 8]) }),
    display: ({ size, p }) => {
      const c = getPreset(`DiT-${size}/${p}`);
      const b = countFlops(c).perBlock;
      return { size: String(size), p: String(p), T: String(numPatches(c)), D: String(c.hiddenSize), answer: ((b.qkvProj + b.attnMatrices + b.mlp + b.modulation) / 1e6).toPrecision(4) };
    },
    answer: ({ size, p }) => {
      const b = countFlops(getPreset(`DiT-${size}/${p}`)).perBlock;
      return (b.qkvProj + b.attnMatrices + b.crossAttn + b.mlp + b.modulation) / 1e6;
    },
    worked: ({ size, p }) => {
      const D = getPreset(`DiT-${size}/${p}`).hiddenSize;
      const T = (32 / (p as number)) ** 2;
      return (12 * T * D * D + 2 * T * T * D + 6 * D * D) / 1e6;
    },
    tolerance: { rel: 0.002 },
    unit: 'M',
    hints: [r`$T = (32/p)^2$: the latent is 32×32 at 256×256 pixels.`, r`$12TD^2$: $4TD^2$ for the attention projections and $8TD^2$ for the MLP (width $4D$, two layers).`],
    solution: r`With $T$ = {{T}} and $D$ = {{D}}: $12TD^2 + 2T^2D + 6D^2$ = {{answer}} million multiply-adds; times the depth, plus the embeddings and the final layer, gives the Gflops of the paper's Table 4.`,
  },
  words('patch-halving-effect'),
  {
    id: 'spearman-five',
    chapter,
    kind: 'numeric',
    title: 'Rank correlation by hand',
    prompt: r`Five of the paper's models: {{table}}. What is Spearman's $\rho$ between Gflops and FID for these five? Three decimals.`,
    params: (rng) => ({ picked: pickFive(rng) }),
    display: ({ picked }) => ({
      table: rows(picked as string)
        .map((m) => `${m.model} (${m.gflops} Gflops, FID ${m.fid})`)
        .join('; '),
      answer: spearman(
        rows(picked as string).map((m) => m.gflops),
        rows(picked as string).map((m) => m.fid),
      )!.rho.toFixed(3),
    }),
    answer: ({ picked }) =>
      spearman(
        rows(picked as string).map((m) => m.gflops),
        rows(picked as string).map((m) => m.fid),
      )!.rho,
    worked: ({ picked }) =>
      rhoByFormula(
        rows(picked as string).map((m) => m.gflops),
        rows(picked as string).map((m) => m.fid),
      ),
    tolerance: { abs: 0.0015 },
    hints: ['Rank the five Gflops values 1 to 5, and the five FIDs 1 to 5, separately.', r`With no ties, $\rho = 1 - \frac{6\sum d_i^2}{n(n^2-1)}$, where $d_i$ is the difference of model $i$'s two ranks.`],
    solution: r`Rank each column, take the differences $d_i$, and $\rho = 1 - 6\sum d_i^2 / (n(n^2 - 1))$ with $n = 5$: {{answer}}. Negative means more compute goes with lower FID, as in the paper's twelve ($\rho = -0.92$).`,
  },
  {
    id: 'code-spearman',
    chapter,
    kind: 'code',
    title: "Write Spearman's rho",
    prompt: r`Write \`spearman(x, y)\` for two arrays of the same length with no repeated values: rank each array (1 for the smallest), then return Pearson's correlation of the two rank lists (with no ties, the same as $1 - 6\sum d^2 / (n(n^2-1))$). Return one number.`,
    fn: 'spearman',
    starter: `function spearman(x, y) {
  // ranks: 1 for the smallest value, n for the largest
  return 0;
}
`,
    solutionCode: `function spearman(x, y) {
  const rank = (v) => v.map((a) => v.filter((b) => b < a).length + 1);
  const rx = rank(x);
  const ry = rank(y);
  const n = x.length;
  const d2 = rx.reduce((s, r, i) => s + (r - ry[i]) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}
`,
    wrongCode: `function spearman(x, y) {
  // Pearson on the raw values, not on the ranks
  const n = x.length;
  const mx = x.reduce((a, b) => a + b) / n;
  const my = y.reduce((a, b) => a + b) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
`,
    params: (rng) => ({ seed: rng.int(1, 1e6) }),
    cases: ({ seed }) => [
      { name: "the paper's twelve models (Gflops, FID)", args: [PAPER_SCALING.map((m) => m.gflops), PAPER_SCALING.map((m) => m.fid)] },
      { name: 'a perfect increasing relation', args: [[1, 2, 3, 4, 5], [10, 20, 30, 40, 50]] },
      { name: 'monotone but not linear', args: [[1, 2, 3, 4, 5, 6], [1, 4, 9, 16, 25, 1000]] },
      { name: '8 random pairs', args: [sampleArray(seed as number, 8), sampleArray((seed as number) + 1, 8)] },
    ],
    reference: 'spearman',
    tolerance: { abs: 1e-9 },
    hints: ['Rank = 1 + how many values are smaller.', "The third case tells a rank correlation from Pearson's on the raw values: the relation is monotone, so rho is exactly 1."],
    solution: r`Rank both arrays and apply $1 - 6\sum d^2/(n(n^2-1))$ (or Pearson's correlation of the ranks, which handles ties too, as the project's \`spearman\` does). On the paper's twelve models it gives $-0.92$.`,
  },
];
