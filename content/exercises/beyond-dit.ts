/** Chapter 10's exercises: rectified flow, MMDiT and U-ViT. */
import { choiceExercises } from '@/lib/exercises/choice-text';
import type { Exercise } from '@/lib/exercises/types';

const chapter = 'beyond-dit';
const r = String.raw;

const words = choiceExercises(
  chapter,
  r`
## rectified-path (formula): The rectified-flow path
Stable Diffusion 3 noises data along a straight line, with $t$ from 0 (data) to 1 (noise). Which is $z_t$?
- [x] (1 - t)\,x_0 + t\,\epsilon
  Right: at $t = 0$ it is the data, at $t = 1$ pure noise, and the coefficients add to 1, so the point moves on a straight segment.
- [ ] \sqrt{1 - t}\,x_0 + \sqrt{t}\,\epsilon
  That keeps $a^2 + b^2 = 1$ (variance preserving, like DDPM); the path is a curve, not a straight line.
- [ ] x_0 + t\,\epsilon
  That is a variance-exploding path: at $t = 1$ the data is still there at full weight.
- [ ] t\,x_0 + (1 - t)\,\epsilon
  This runs the other way: pure noise at $t = 0$ and data at $t = 1$, the opposite of the chapter's convention.
Hint: Check both ends: t = 0 must give the data and t = 1 the noise.
Solution: $z_t = (1-t)\,x_0 + t\,\epsilon$: a straight segment from $x_0$ to $\epsilon$, traversed at constant speed.

## velocity-target (formula): What a rectified-flow network predicts
Along $z_t = (1-t)\,x_0 + t\,\epsilon$, what is the velocity $dz_t/dt$ that the network learns to predict?
- [x] \epsilon - x_0
  Right: differentiate each term; the velocity is the same at every point of the path.
- [ ] x_0 - \epsilon
  That is the direction of sampling (from noise to data), minus the velocity; sampling moves against $v$.
- [ ] \epsilon
  The noise is DDPM's target; the rectified-flow target also removes the data: $\epsilon - x_0$.
- [ ] (1 - t)\,\epsilon - t\,x_0
  The derivative of a linear function of $t$ does not depend on $t$.
Hint: $\frac{d}{dt}(1-t) = -1$ and $\frac{d}{dt}t = 1$.
Solution: $\frac{dz_t}{dt} = -x_0 + \epsilon = \epsilon - x_0$, constant along each straight path. From $z_t$ and $v$ one recovers $x_0 = z_t - t\,v$.

## mmdit-streams (choice): How MMDiT mixes text and image
What distinguishes an MMDiT block from DiT's cross-attention variant?
- [x] Image and text tokens each have their own weights, and one attention runs over the joined sequence, so the text is updated by the image too.
  Right: two streams, separate projections and MLPs, joint attention: the reading goes both ways.
- [ ] The text is added to the timestep embedding and enters only through adaLN.
  Only a pooled summary of the prompt goes through the modulation; the text tokens themselves take part in attention.
- [ ] Image tokens read from the text, which stays fixed through the blocks.
  That is cross-attention, where the condition never changes; in MMDiT the text stream changes block by block.
- [ ] Text and image tokens share one set of weights.
  Each modality has its own projections, MLP and modulation; only the attention is shared.
Hint: Which tokens are updated by an MMDiT block: the image tokens only, or both?
Solution: In an MMDiT block each stream keeps its own weights, and Q, K and V of both streams are concatenated into one attention. Text tokens read image tokens as well as the other way round, so the prompt’s representation is refined along the network.

## uvit-skip-cost (choice): U-ViT's long skips
U-ViT carries the output of shallow block i to its mirror, deep block L + 1 − i, where the two are concatenated and projected back to width D. What does one such skip cost?
- [x] A linear map from 2D to D: 2D² weights and 2TD² multiply-adds per image, small beside a block’s 12TD².
  Right: the concatenation doubles the width, and one linear layer brings it back.
- [ ] Nothing: the skip is an addition.
  U-ViT concatenates and projects, which has weights; a ResNet-style addition would be free.
- [ ] A whole extra transformer block.
  Only one linear layer per skip; no attention or MLP is added.
- [ ] Twice the cost of the model, since every block is run twice.
  Each block still runs once; the skip only forwards a copy of a shallow output.
Hint: The concatenated vector has 2D numbers per token, and the block expects D.
Solution: $W_{\text{skip}} \in \mathbb{R}^{D \times 2D}$: $2D^2$ weights, applied to $T$ tokens: $2TD^2$ multiply-adds, a sixth of one block's $12TD^2$.
`,
);

export const EXERCISES: Exercise[] = [
  words('rectified-path'),
  words('velocity-target'),
  words('mmdit-streams'),
  words('uvit-skip-cost'),
];
