/** Chapter 1's exercises: the pipeline and the two models side by side. */
import { getPreset, numPatches } from '@/lib/dit/config';
import { countParameters } from '@/lib/dit/params';
import { choiceExercises } from '@/lib/exercises/choice-text';
import type { Exercise } from '@/lib/exercises/types';

const chapter = 'what-is-a-dit';
const r = String.raw;

const words = choiceExercises(
  chapter,
  r`
## pipeline-order (choice): The order of the pipeline
When a trained DiT draws a new picture, in which order do the pieces run?
- [x] Noise in latent space → the DiT denoises it over many steps → the VAE decoder turns the clean latent into pixels.
  Right: sampling never uses the encoder; the encoder only makes training data.
- [ ] An image → the VAE encoder → the DiT → the VAE decoder.
  That is the training path up to the noise; drawing a new picture starts from pure noise, not from an image.
- [ ] Noise in pixel space → the DiT → the VAE encoder.
  DiT works in the latent space of the VAE, and decoding, not encoding, gives pixels.
- [ ] The DiT makes the latent in one pass → the decoder.
  One pass predicts the noise at one step; a sample takes many steps (250 in the paper, 50 DDIM steps in our widgets).
Hint: Which part of the VAE is needed to get pixels out, and which only to get training latents in?
Solution: Sampling: start from Gaussian noise shaped like a latent, let the DiT predict and remove noise step by step, then decode the final latent with the VAE decoder. The encoder appears only in training, to turn images into latents.

## why-transformer (choice): Why a transformer?
What does the paper's title claim about replacing the U-Net by a transformer?
- [x] That the U-Net’s inductive bias is not needed: a standard transformer matches or beats it, and its quality keeps improving as its compute grows.
  Right: that is "scalable": FID falls steadily with Gflops across the twelve models.
- [ ] That transformers need fewer Gflops than U-Nets for the same picture.
  The claim is about how quality scales with compute, not that a transformer is cheaper.
- [ ] That transformers remove the need for a VAE.
  DiT keeps the latent-diffusion VAE; the transformer replaces only the denoising network.
- [ ] That diffusion needs attention to work at all.
  Earlier diffusion models (ADM, LDM) use U-Nets, which work well; DiT shows a transformer can take their place.
Hint: "Scalable Diffusion Models with Transformers": what does "scalable" refer to in its results?
Solution: The paper shows that a plain ViT-style transformer works as the denoiser, and that its FID improves steadily as the model gets more compute (deeper, wider, or more tokens), ending with DiT-XL/2 at FID 2.27, the best of its time on class-conditional ImageNet 256×256.
`,
);

export const EXERCISES: Exercise[] = [
  words('pipeline-order'),
  {
    id: 'flagship-tokens',
    chapter,
    kind: 'numeric',
    title: 'How many tokens does the flagship see?',
    prompt: r`DiT-XL/2 works on the $32 \times 32 \times 4$ latent of a 256×256 image, cut into $2 \times 2$ patches. How many tokens is that? And our DiT-mini-B/2 on its $8 \times 8 \times 4$ latent? Give the paper's number.`,
    answer: () => numPatches(getPreset('DiT-XL/2')),
    worked: () => (32 / 2) ** 2,
    tolerance: { abs: 0 },
    hints: ['Each side is cut into side / p pieces; the tokens are all the pieces.'],
    solution: r`$(32/2)^2 = 256$ tokens for DiT-XL/2; ours has $(8/2)^2 = 16$.`,
  },
  {
    id: 'parameter-ratio',
    chapter,
    kind: 'numeric',
    title: 'How much smaller is ours?',
    prompt: r`DiT-XL/2 has about 675 million parameters. Our DiT-mini-B/2 has {{ours}}. About how many times more parameters does DiT-XL/2 have? Round to the nearest ten.`,
    display: () => ({ ours: countParameters(getPreset('DiT-mini-B/2')).toLocaleString('en') }),
    answer: () => countParameters(getPreset('DiT-XL/2')) / countParameters(getPreset('DiT-mini-B/2')),
    worked: () => 675e6 / countParameters(getPreset('DiT-mini-B/2')),
    tolerance: { rel: 0.02 },
    hints: ['Divide 675 million by our count.'],
    solution: r`675,000,000 / {{ours}} ≈ 360: the paper's model is a few hundred times larger, trained on a dataset of 1.28 million colour images instead of 9,001 digits.`,
  },
  words('why-transformer'),
];
