import Link from 'next/link';
import { CHAPTERS, chapterHref } from '@/content/chapters';
import { getBook, WIDGET_TITLES } from '@/components/site/book';
import { ForwardStrip } from '@/components/site/ForwardStrip';

export default function HomePage() {
  const { available, widgets } = getBook();
  const first = CHAPTERS.find((c) => available.has(c.slug));
  const liveChapters = [...widgets.values()].filter((w) => w.length > 0).length;
  return (
    <main id="main" className="page">
      <section className="hero" aria-labelledby="home-title">
        <h1 id="home-title">DiT Lab</h1>
        <p className="lead">
          An interactive textbook on Diffusion Transformers: the DDPM maths, latent diffusion, patch tokens, adaLN-Zero, classifier-free guidance and scaling,
          from Peebles &amp; Xie&rsquo;s &ldquo;Scalable Diffusion Models with Transformers&rdquo;.
        </p>
        <ForwardStrip />
        <p>
          {liveChapters} of the {CHAPTERS.length} chapters have live widgets beside the ideas. They run on real handwritten digits in your browser, and the
          later chapters run a small DiT that this project trained on MNIST: move a slider and diffusion runs again, no server involved, no GPU needed.
        </p>
        {first && (
          <p>
            <Link className="start" href={chapterHref(first.slug)}>
              Start reading: chapter {first.number}, {first.title} &rarr;
            </Link>
          </p>
        )}
      </section>

      <section aria-labelledby="chapters" id="chapters-section">
        <h2 id="chapters">Chapters</h2>
        <ol className="chapter-list">
          {CHAPTERS.map((c) => {
            const ready = available.has(c.slug);
            const live = widgets.get(c.slug) ?? [];
            return (
              <li key={c.slug} className={`chapter-card ${ready ? 'available' : 'upcoming'}`}>
                <span className="num" aria-hidden="true">
                  {c.number}
                </span>
                <h3>
                  <span className="visually-hidden">Chapter {c.number}: </span>
                  {ready ? (
                    <Link href={chapterHref(c.slug)} prefetch={false}>
                      {c.title}
                    </Link>
                  ) : (
                    c.title
                  )}
                  {!ready && <span className="soon">coming soon</span>}
                </h3>
                <p>{c.summary}</p>
                {live.length > 0 && (
                  <div className="live">
                    <span className="live-tag">Live</span> {live.map((w) => WIDGET_TITLES[w]).join(' · ')}
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      </section>

      <section aria-labelledby="how-to-read">
        <h2 id="how-to-read">How to read it</h2>
        <ul className="plain-list">
          <li>
            <strong>Students:</strong> read in order; each chapter opens with what you will learn and ends with a recap and references. Every equation is
            numbered and linked, so a later chapter can point back to it.
          </li>
          <li>
            <strong>On a phone:</strong> everything works, more slowly; the widgets wait until you scroll to them, and the model widgets say which engine
            (WebGPU, WebGL, WebAssembly or plain JavaScript) they run on.
          </li>
          <li>
            <strong>Teachers:</strong> the <Link href="/about/#teaching">about page</Link> lists what each chapter needs and how the models were trained, so a
            class can reproduce them.
          </li>
        </ul>
      </section>
    </main>
  );
}
