/**
 * The teacher's guide: for each chapter, what a student should know first, what they should be
 * able to do after it (each goal with the exercises that check it), and a suggested assignment.
 * The time a chapter takes is not written here: the guide page computes it from the chapter's
 * words and its exercises (lib/guide.ts), so it follows the text. tests/unit/site/guide.test.ts
 * checks that every exercise of a chapter serves one of its goals and that every id exists.
 */
export interface ChapterGuide {
  slug: string;
  /** Earlier chapters (by slug) a student should have read. */
  after: string[];
  /** Background from outside the book. */
  background: string[];
  goals: { text: string; exercises: string[] }[];
  /** The exercises of the suggested assignment, in order. */
  suggested: string[];
}

export const GUIDE: readonly ChapterGuide[] = [
  {
    slug: 'what-is-a-dit',
    after: [],
    background: ['What a neural network is and how it is trained (loss, gradient descent)', 'Matrices and vectors'],
    goals: [
      { text: 'Name the stages of a latent DiT pipeline, from noise to a picture, in order.', exercises: ['pipeline-order'] },
      { text: 'Count tokens and parameters of a DiT from its configuration, and compare sizes.', exercises: ['flagship-tokens', 'parameter-ratio'] },
      { text: 'Say why the paper replaced the U-Net with a transformer.', exercises: ['why-transformer'] },
    ],
    suggested: ['pipeline-order', 'flagship-tokens', 'why-transformer'],
  },
  {
    slug: 'diffusion-step-by-step',
    after: ['what-is-a-dit'],
    background: ['Gaussian random variables: mean, variance, the sum of independent Gaussians', 'Logarithms'],
    goals: [
      { text: 'Write one forward step and the closed form q(x_t | x_0), and compute how much signal is left at step t.', exercises: ['closed-form-pick', 'image-weight-linear', 'code-q-sample'] },
      { text: 'Explain why each step shrinks the image as well as adding noise.', exercises: ['why-shrink'] },
      { text: 'Compare noise schedules through their log signal-to-noise ratio.', exercises: ['log-snr-value', 'log-snr-crossing-widget'] },
    ],
    suggested: ['closed-form-pick', 'image-weight-linear', 'log-snr-crossing-widget', 'code-q-sample'],
  },
  {
    slug: 'learning-to-denoise',
    after: ['diffusion-step-by-step'],
    background: ['Bayes’ rule', 'Products of Gaussian densities (completing the square)', 'Mean squared error'],
    goals: [
      { text: 'Derive and compute the posterior q(x_{t-1} | x_t, x_0): its mean and its variance.', exercises: ['posterior-variance', 'posterior-mean-coefficient', 'code-posterior-mean'] },
      { text: 'Turn a noise prediction into a clean-image prediction.', exercises: ['x0-from-eps'] },
      { text: 'Tell DDPM and DDIM sampling apart, and what DDIM’s η does.', exercises: ['ddim-eta-zero'] },
    ],
    suggested: ['posterior-variance', 'x0-from-eps', 'ddim-eta-zero', 'code-posterior-mean'],
  },
  {
    slug: 'latent-space',
    after: ['diffusion-step-by-step'],
    background: ['Autoencoders: an encoder, a code, a decoder'],
    goals: [
      { text: 'Compute how much a latent autoencoder compresses an image, and what that saves.', exercises: ['latent-compression', 'why-latents'] },
      { text: 'Explain the latent scale factor and how an unscaled latent shifts the noise schedule.', exercises: ['log-snr-shift', 'code-scale-factor'] },
    ],
    suggested: ['latent-compression', 'log-snr-shift', 'code-scale-factor'],
  },
  {
    slug: 'patchify',
    after: ['latent-space'],
    background: ['The transformer: tokens, self-attention, position embeddings'],
    goals: [
      { text: 'Cut a latent into patches: the number of tokens, their length and which patch holds a pixel.', exercises: ['token-count', 'token-length', 'find-token-widget', 'code-patchify'] },
      { text: 'Predict what halving the patch size does to the compute.', exercises: ['halving-patch-flops'] },
      { text: 'Say why DiT uses fixed sine-cosine position embeddings.', exercises: ['why-fixed-positions'] },
    ],
    suggested: ['token-count', 'find-token-widget', 'halving-patch-flops', 'code-patchify'],
  },
  {
    slug: 'the-dit-block',
    after: ['patchify'],
    background: ['Layer normalisation', 'Residual connections'],
    goals: [
      { text: 'Count what the adaLN modulation produces and costs.', exercises: ['adaln-outputs', 'adaln-parameters'] },
      { text: 'Explain why a zero-initialised adaLN-Zero block starts as the identity.', exercises: ['zero-init-block'] },
      { text: 'Implement the shift-and-scale modulation.', exercises: ['code-modulate'] },
    ],
    suggested: ['adaln-outputs', 'zero-init-block', 'code-modulate'],
  },
  {
    slug: 'guidance-and-sampling',
    after: ['learning-to-denoise', 'the-dit-block'],
    background: ['Bayes’ rule', 'Gradients of log-densities (the score)'],
    goals: [
      { text: 'Write classifier-free guidance and say what a guidance scale of 1 means.', exercises: ['cfg-formula', 'guidance-scale-one', 'code-cfg'] },
      { text: 'Estimate the compute of a sampling run with guidance.', exercises: ['grid-cost'] },
    ],
    suggested: ['cfg-formula', 'guidance-scale-one', 'grid-cost', 'code-cfg'],
  },
  {
    slug: 'inside-the-model',
    after: ['patchify', 'the-dit-block'],
    background: ['Softmax and probability distributions', 'Entropy'],
    goals: [
      { text: 'Summarise an attention row by its entropy and its mean distance, and know their extremes.', exercises: ['uniform-entropy', 'uniform-distance', 'code-row-entropy'] },
      { text: 'Test a hypothesis about attention against what the model shows.', exercises: ['h4-result'] },
    ],
    suggested: ['uniform-entropy', 'code-row-entropy', 'h4-result'],
  },
  {
    slug: 'scaling',
    after: ['patchify', 'the-dit-block', 'guidance-and-sampling'],
    background: ['Ranks and correlation'],
    goals: [
      { text: 'Compute the cost of a block and what the patch size does to it.', exercises: ['block-cost', 'patch-halving-effect'] },
      { text: 'Read a scaling result from a chart and judge it against the paper.', exercises: ['grid-smaller-patch', 'grid-equal-compute'] },
      { text: 'Measure how well compute predicts quality with Spearman’s ρ.', exercises: ['spearman-five', 'code-spearman'] },
    ],
    suggested: ['block-cost', 'patch-halving-effect', 'grid-smaller-patch', 'code-spearman'],
  },
  {
    slug: 'beyond-dit',
    after: ['the-dit-block', 'guidance-and-sampling'],
    background: ['Ordinary differential equations (what a velocity field is)'],
    goals: [
      { text: 'Write the rectified-flow path and the target its network predicts.', exercises: ['rectified-path', 'velocity-target'] },
      { text: 'Compare how later models (MMDiT, U-ViT) change the DiT design.', exercises: ['mmdit-streams', 'uvit-skip-cost'] },
    ],
    suggested: ['rectified-path', 'velocity-target', 'mmdit-streams'],
  },
  {
    slug: 'train-your-own',
    after: ['learning-to-denoise', 'the-dit-block'],
    background: ['Stochastic gradient descent and Adam'],
    goals: [
      { text: 'Compute the learning rate during warm-up and implement the schedule.', exercises: ['warmup-lr', 'code-warmup-lr'] },
      { text: 'Explain the exponential moving average of the weights and why it is what ships.', exercises: ['ema-decay-at', 'why-ema'] },
    ],
    suggested: ['warmup-lr', 'ema-decay-at', 'why-ema', 'code-warmup-lr'],
  },
];
