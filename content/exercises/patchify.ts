/** Chapter 5's exercises: tokens, token sizes and what patch size costs. */
import { getPreset, numPatches } from '@/lib/dit/config';
import { gflops } from '@/lib/dit/flops';
import { parameterShapes } from '@/lib/dit/params';
import { tokenAt } from '@/lib/inspect/patchify';
import { choiceExercises } from '@/lib/exercises/choice-text';
import type { Exercise } from '@/lib/exercises/types';
import { sampleArray } from './code-cases';

const chapter = 'patchify';
const r = String.raw;

const words = choiceExercises(
  chapter,
  r`
## why-fixed-positions (choice): Fixed position embeddings
DiT adds fixed 2-D sine-cosine position embeddings to its tokens. What would go wrong with no position embedding at all?
- [x] Self-attention treats its input as a set: shuffling the patches would shuffle the output the same way, so the model could not tell where a patch sits.
  Right: attention and the per-token MLP are permutation-equivariant; only the position embedding breaks the symmetry.
- [ ] The model would have fewer parameters and could not fit the data.
  DiT’s position embedding is fixed (a frozen table), so it adds no trainable parameters at all.
- [ ] The patches would overlap.
  Patchify cuts the latent into non-overlapping patches whatever is added afterwards.
- [ ] Nothing: the convolution of the patch embedding already knows each position.
  The patch embedding applies the same weights to every patch; it knows what is inside a patch, not where the patch is.
Hint: Think about what happens to the output of self-attention if you permute its input tokens.
Solution: Self-attention and the MLP act on each token the same way and mix tokens only by similarity, so they are permutation-equivariant. Adding a distinct vector per position (here sines and cosines of the row and the column) is what lets the model tell the top-left patch from the bottom-right one.
`,
);

export const EXERCISES: Exercise[] = [
  {
    id: 'find-token-widget',
    chapter,
    kind: 'widget',
    widget: 'patchify-explorer',
    reads: 'Check the widget’s token',
    title: 'Find the token in the widget',
    prompt: r`In the patchify explorer above, set the patch size to $p$ = {{p}} and select the token whose patch holds latent row {{r}}, column {{c}} (rows and columns counted from 0, top left). Then check.`,
    params: (rng) => ({ p: rng.pick([1, 2, 4]), r: rng.int(0, 7), c: rng.int(0, 7) }),
    display: ({ p, r, c }) => ({ p: String(p), r: String(r), c: String(c), answer: String(tokenAt(r as number, c as number, p as number, 8)) }),
    check: (state, { p, r, c }) => {
      const want = tokenAt(r as number, c as number, p as number, 8);
      if (Number(state.p) !== p) return { correct: false, message: `The widget is at p = ${state.p}; set it to ${p} first.` };
      return Number(state.token) === want
        ? { correct: true, message: `Right: token ${want}.` }
        : { correct: false, message: `Token ${state.token} holds other positions: look for the patch that covers row ${r}, column ${c}.` };
    },
    worked: ({ p, r, c }) => ({ p: p as number, token: tokenAt(r as number, c as number, p as number, 8) }),
    wrong: ({ p, r, c }) => ({ p: p as number, token: (tokenAt(r as number, c as number, p as number, 8) + 1) % ((8 / (p as number)) ** 2) }),
    hints: ['Tokens are numbered row by row over the grid of patches, from 0 at the top left.', 'With patch size p, latent row r lies in patch row ⌊r / p⌋.'],
    solution: r`Patch row $\lfloor r/p \rfloor$, patch column $\lfloor c/p \rfloor$, and $8/p$ patches per row: token $\lfloor r/p\rfloor \cdot 8/p + \lfloor c/p \rfloor$ = {{answer}}.`,
  },
  {
    id: 'token-count',
    chapter,
    kind: 'numeric',
    title: 'How many tokens?',
    prompt: r`A {{side}}×{{side}}×4 latent is cut into patches of size $p$ = {{p}}. How many tokens $T$ does the transformer see?`,
    params: (rng) => {
      const family = rng.pick(['paper', 'mini'] as const);
      return family === 'paper' ? { preset: `DiT-${rng.pick(['S', 'B', 'L', 'XL'])}/${rng.pick([2, 4, 8])}` } : { preset: `DiT-mini-${rng.pick(['S', 'B', 'L'])}/${rng.pick([1, 2, 4])}` };
    },
    display: ({ preset }) => {
      const c = getPreset(preset as string);
      return { side: String(c.inputSize), p: String(c.patchSize), answer: String(numPatches(c)) };
    },
    answer: ({ preset }) => numPatches(getPreset(preset as string)),
    worked: ({ preset }) => {
      const c = getPreset(preset as string);
      return (c.inputSize / c.patchSize) ** 2;
    },
    tolerance: { abs: 0 },
    hints: ['Each side is cut into side / p pieces.'],
    solution: r`$T = (I/p)^2$ with $I$ = {{side}} and $p$ = {{p}}: {{answer}} tokens.`,
  },
  {
    id: 'token-length',
    chapter,
    kind: 'numeric',
    title: 'How long is one token before the embedding?',
    prompt: r`With patch size $p$ = {{p}} on a latent with 4 channels, how many numbers does one patch hold before the linear embedding maps it to $D$ dimensions?`,
    params: (rng) => ({ p: rng.pick([1, 2, 4, 8]) }),
    display: ({ p }) => ({ p: String(p), answer: String((p as number) * (p as number) * 4) }),
    answer: ({ p }) => {
      // The embedding is a p x p convolution with stride p: its weight is (D, C, p, p), one D-vector per patch entry.
      const [, C, kh, kw] = parameterShapes({ ...getPreset('DiT-mini-B/2'), patchSize: p as number })['x_embedder.proj.weight'];
      return C * kh * kw;
    },
    worked: ({ p }) => (p as number) ** 2 * 4,
    tolerance: { abs: 0 },
    hints: ['A patch is p × p positions, and every position has one value per channel.'],
    solution: r`$p \cdot p \cdot C$ = {{p}} × {{p}} × 4 = {{answer}} numbers.`,
  },
  {
    id: 'halving-patch-flops',
    chapter,
    kind: 'numeric',
    title: 'What halving the patch costs',
    prompt: r`The paper's DiT-{{size}}/4 needs {{g4}} Gflops a forward pass. About how many times as much does DiT-{{size}}/2 need? Two significant digits.`,
    params: (rng) => ({ size: rng.pick(['S', 'B', 'L', 'XL']) }),
    display: ({ size }) => ({ size: String(size), g4: gflops(getPreset(`DiT-${size}/4`)).toFixed(2), g2: gflops(getPreset(`DiT-${size}/2`)).toFixed(2) }),
    answer: ({ size }) => gflops(getPreset(`DiT-${size}/2`)) / gflops(getPreset(`DiT-${size}/4`)),
    worked: ({ size }) => {
      // Four times the tokens; the attention matrix grows with T squared, so the ratio is a little above 4.
      const c = getPreset(`DiT-${size}/2`);
      const D = c.hiddenSize;
      const perToken = (T: number) => c.depth * (12 * D * D * T + 2 * T * T * D);
      return perToken(256) / perToken(64);
    },
    tolerance: { rel: 0.03 },
    hints: [r`Halving $p$ multiplies the number of tokens $T$ by 4.`, r`Most of a block's cost grows with $T$; the attention scores grow with $T^2$, which pushes the ratio a little above 4.`],
    solution: r`Going from $p = 4$ to $p = 2$ turns 64 tokens into 256. Per block the linear layers cost about $12 T D^2$ and attention $2 T^2 D$, so the total grows by a little more than 4: {{g2}} / {{g4}} Gflops. Parameters hardly change: the paper's point that Gflops, not parameters, track quality.`,
  },
  words('why-fixed-positions'),
  {
    id: 'code-patchify',
    chapter,
    kind: 'code',
    title: 'Write patchify',
    prompt: r`Write \`patchify(latent, side, channels, p)\`. The latent is \`side * side * channels\` numbers, row by row with the channels last: row $r$, column $c$, channel $k$ is \`latent[(r * side + c) * channels + k]\`. Return the tokens one after another, the patches taken row by row; inside a token, channel 0's $p \times p$ patch row by row, then channel 1's, and so on (the official code's order).`,
    fn: 'patchify',
    starter: `function patchify(latent, side, channels, p) {
  const g = side / p; // patches per side
  const out = [];
  // push the numbers of token 0, then token 1, ...
  return out;
}
`,
    solutionCode: `function patchify(latent, side, channels, p) {
  const g = side / p;
  const out = [];
  for (let i = 0; i < g; i++)
    for (let j = 0; j < g; j++)
      for (let k = 0; k < channels; k++)
        for (let a = 0; a < p; a++)
          for (let b = 0; b < p; b++) out.push(latent[((i * p + a) * side + (j * p + b)) * channels + k]);
  return out;
}
`,
    wrongCode: `function patchify(latent, side, channels, p) {
  const g = side / p;
  const out = [];
  for (let i = 0; i < g; i++)
    for (let j = 0; j < g; j++)
      for (let a = 0; a < p; a++)
        for (let b = 0; b < p; b++)
          for (let k = 0; k < channels; k++) out.push(latent[((i * p + a) * side + (j * p + b)) * channels + k]); // channels last inside a token
  return out;
}
`,
    params: (rng) => ({ seed: rng.int(1, 1e6) }),
    cases: ({ seed }) =>
      (
        [
          [4, 1, 2],
          [4, 2, 2],
          [8, 4, 2],
          [8, 4, 4],
          [8, 4, 1],
        ] as const
      ).map(([side, channels, p], k) => ({ name: `${side}x${side}x${channels}, p = ${p}`, args: [sampleArray((seed as number) + k, side * side * channels), side, channels, p] })),
    reference: 'patchify',
    // The reference is float32 (the latents are): the same numbers to about 1e-7.
    tolerance: { abs: 1e-6 },
    hints: ['Five nested loops: patch row, patch column, then channel, then the row and column inside the patch.', 'Position (i p + a, j p + b) of the latent holds row a, column b of patch (i, j).'],
    solution: r`Loop over the patches row by row; for each, over the channels; for each channel, over the $p \times p$ positions. A slip that still gives the right number of values is to put the channel loop innermost: the same numbers in another order, which the network's first layer would read as different features.`,
  },
];
