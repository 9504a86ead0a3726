/**
 * The chapter list: number, slug, title and a one-line summary for every chapter of DiT Lab.
 *
 * The prose lives in content/chapters/NN-slug.mdx (NN = number with two digits). A chapter whose file
 * does not exist yet is listed in the table of contents as "coming soon" and gets no page. Slugs are
 * URLs (/chapters/<slug>/): never change one that has been published.
 */

export interface ChapterMeta {
  /** 1-based chapter number; equations and figures are numbered "(number.n)". */
  number: number;
  slug: string;
  title: string;
  /** One line for the home page and the table of contents. */
  summary: string;
}

export const CHAPTERS: readonly ChapterMeta[] = [
  {
    number: 1,
    slug: 'what-is-a-dit',
    title: 'What a Diffusion Transformer is',
    summary: 'The whole pipeline in one picture: noise in, a digit out, and a transformer in the middle.',
  },
  {
    number: 2,
    slug: 'diffusion-step-by-step',
    title: 'Diffusion, step by step',
    summary: 'The DDPM forward process and noise schedules: how a digit dissolves into Gaussian noise.',
  },
  {
    number: 3,
    slug: 'learning-to-denoise',
    title: 'Learning to denoise',
    summary: 'Predicting the noise, the simple loss, the learned variance and the reverse sampler.',
  },
  {
    number: 4,
    slug: 'latent-space',
    title: 'Latent space',
    summary: 'Why DiT diffuses in a VAE latent instead of pixels, and what the latent looks like.',
  },
  {
    number: 5,
    slug: 'patchify',
    title: 'Patchify',
    summary: 'Cutting the latent into patch tokens, positional embeddings, and what the patch size costs.',
  },
  {
    number: 6,
    slug: 'the-dit-block',
    title: 'The DiT block',
    summary: 'Four ways to feed time and class to a transformer block, and why adaLN-Zero wins.',
  },
  {
    number: 7,
    slug: 'guidance-and-sampling',
    title: 'Guidance and sampling',
    summary: 'Classifier-free guidance, DDPM and DDIM samplers, and the trade-off of the guidance scale.',
  },
  {
    number: 8,
    slug: 'inside-the-model',
    title: 'Inside the model',
    summary: 'Attention maps, activations and adaLN parameters of a trained DiT, watched as it samples.',
  },
  {
    number: 9,
    slug: 'scaling',
    title: 'Scaling',
    summary: 'Gflops, not parameters, predict quality: the twelve DiT models and their FID.',
  },
  {
    number: 10,
    slug: 'beyond-dit',
    title: 'Beyond DiT',
    summary: 'U-ViT, MDT, DiffiT, Sora and Stable Diffusion 3: where diffusion transformers went next.',
  },
  {
    number: 11,
    slug: 'train-your-own',
    title: 'Train your own',
    summary: "Train a small DiT on MNIST in your browser and watch it learn; then train the book's models from the command line.",
  },
];

/** Chapter file name for a chapter: "02-diffusion-step-by-step.mdx". */
export function chapterFileName(chapter: Pick<ChapterMeta, 'number' | 'slug'>): string {
  return `${String(chapter.number).padStart(2, '0')}-${chapter.slug}.mdx`;
}

export function chapterBySlug(slug: string): ChapterMeta | undefined {
  return CHAPTERS.find((c) => c.slug === slug);
}

export function chapterHref(slug: string): string {
  return `/chapters/${slug}/`;
}
