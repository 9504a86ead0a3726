/** Chapter 6's exercises: modulate, the adaLN-Zero layer's size, and why zero gives the identity. */
import { getPreset } from '@/lib/dit/config';
import { modulationChunks, parameterShapes } from '@/lib/dit/params';
import { choiceExercises } from '@/lib/exercises/choice-text';
import type { Exercise } from '@/lib/exercises/types';
import { sampleArray } from './code-cases';

const chapter = 'the-dit-block';
const r = String.raw;
const SIZES = ['S', 'B', 'L'] as const;

const words = choiceExercises(
  chapter,
  r`
## zero-init-block (choice): A block at initialisation
With adaLN-Zero, the modulation layer starts with $W = 0$ and $b = 0$. What does a freshly initialised DiT block compute?
- [x] The identity: $x' = x$, whatever its attention and MLP weights are.
  Right: the gates $\alpha_1 = \alpha_2 = 0$ multiply both branches by zero, so each residual update adds nothing.
- [ ] Zero: every output is 0.
  The gates zero the branches, not the residual stream: $x + 0 = x$.
- [ ] Plain layer norm of its input.
  Inside the branches the modulation reduces to layer norm ($\gamma = \beta = 0$), but the gate then multiplies the whole branch by 0.
- [ ] A random function, since attention and MLP weights are random.
  Their outputs are computed but multiplied by a zero gate, so their randomness does not reach the output at initialisation.
Hint: Put $\alpha_1 = 0$ into $x \leftarrow x + \alpha_1 \odot \mathrm{Attn}(\dots)$.
Solution: With $W = b = 0$ all six vectors are 0. Then $x \leftarrow x + 0 \odot \mathrm{Attn}(\dots) = x$ and likewise for the MLP: the block is the identity, and a stack of them is too. Training starts from a network that passes its input through and learns to add to it.
`,
);

export const EXERCISES: Exercise[] = [
  {
    id: 'adaln-outputs',
    chapter,
    kind: 'numeric',
    title: 'How many numbers does c become?',
    prompt: r`In an adaLN-Zero block of width $D$ = {{D}}, the conditioning vector $c$ goes through SiLU and one linear layer. How many numbers does that layer output per block?`,
    params: (rng) => ({ size: rng.pick(SIZES) }),
    display: ({ size }) => {
      const c = getPreset(`DiT-mini-${size}/2`);
      return { D: String(c.hiddenSize), answer: String(modulationChunks(c) * c.hiddenSize) };
    },
    answer: ({ size }) => parameterShapes(getPreset(`DiT-mini-${size}/2`))['blocks.0.adaLN_modulation.1.bias'][0],
    worked: ({ size }) => 6 * getPreset(`DiT-mini-${size}/2`).hiddenSize,
    tolerance: { abs: 0 },
    hints: ['Count the vectors: a shift, a scale and a gate, for the attention branch and again for the MLP branch.'],
    solution: r`Six vectors of $D$ numbers: $\beta_1, \gamma_1, \alpha_1, \beta_2, \gamma_2, \alpha_2$, so $6D$ = {{answer}}.`,
  },
  {
    id: 'adaln-parameters',
    chapter,
    kind: 'numeric',
    title: 'What the modulation layer costs in parameters',
    prompt: r`How many parameters (weights and biases) does one block's adaLN-Zero linear layer have in DiT-mini-{{size}}, whose width is $D$ = {{D}}?`,
    params: (rng) => ({ size: rng.pick(SIZES) }),
    display: ({ size }) => {
      const D = getPreset(`DiT-mini-${size}/2`).hiddenSize;
      return { size: String(size), D: String(D), answer: String(6 * D * D + 6 * D) };
    },
    answer: ({ size }) => {
      const shapes = parameterShapes(getPreset(`DiT-mini-${size}/2`));
      const [rows, cols] = shapes['blocks.0.adaLN_modulation.1.weight'];
      return rows * cols + shapes['blocks.0.adaLN_modulation.1.bias'][0];
    },
    worked: ({ size }) => {
      const D = getPreset(`DiT-mini-${size}/2`).hiddenSize;
      return D * 6 * D + 6 * D;
    },
    tolerance: { abs: 0 },
    hints: ['A linear layer from n inputs to m outputs has n·m weights and m biases.', 'Its input is c (D numbers); its output is the six vectors of D numbers.'],
    solution: r`$D \cdot 6D + 6D$ = {{answer}}: more than the attention's projections ($4D^2$), which is why adaLN-Zero is the largest of the four variants in the paper's Table 4 column of parameters.`,
  },
  words('zero-init-block'),
  {
    id: 'code-modulate',
    chapter,
    kind: 'code',
    title: 'Write modulate',
    prompt: r`Write \`modulate(x, shift, scale)\`: $\mathrm{modulate}(x; \beta, \gamma) = x \odot (1 + \gamma) + \beta$, applied to every token. \`x\` is an array of $T$ tokens, each an array of $D$ numbers; \`shift\` and \`scale\` are arrays of $D$ numbers. Return the tokens in the same shape.`,
    fn: 'modulate',
    starter: `function modulate(x, shift, scale) {
  // x: T arrays of D numbers; shift, scale: D numbers each
  return x.map((token) => token);
}
`,
    solutionCode: `function modulate(x, shift, scale) {
  return x.map((token) => token.map((v, d) => v * (1 + scale[d]) + shift[d]));
}
`,
    wrongCode: `function modulate(x, shift, scale) {
  return x.map((token) => token.map((v, d) => v * scale[d] + shift[d])); // gamma instead of 1 + gamma
}
`,
    params: (rng) => ({ seed: rng.int(1, 1e6) }),
    cases: ({ seed }) =>
      (
        [
          [1, 4],
          [3, 4],
          [16, 8],
        ] as const
      ).map(([T, D], k) => {
        const flat = sampleArray((seed as number) + k, T * D, 2);
        return {
          name: `${T} token${T > 1 ? 's' : ''} of ${D}`,
          args: [Array.from({ length: T }, (_, i) => flat.slice(i * D, (i + 1) * D)), sampleArray((seed as number) + 20 + k, D), sampleArray((seed as number) + 40 + k, D)],
        };
      }),
    reference: 'modulate',
    tolerance: { abs: 1e-5 },
    hints: [r`Each token's entry $d$ becomes $x_d (1 + \gamma_d) + \beta_d$; the same shift and scale serve every token.`],
    solution: r`\`x.map(token => token.map((v, d) => v * (1 + scale[d]) + shift[d]))\`. Writing $\gamma$ instead of $1 + \gamma$ would make a zero scale wipe out the input, which is why the official code (and the chapter) write $1 + \gamma$.`,
  },
];
