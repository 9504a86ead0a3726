import Link from 'next/link';
import { CHAPTERS, chapterHref } from '@/content/chapters';
import { getBook } from '@/components/site/book';

export default function HomePage() {
  const { available } = getBook();
  const first = CHAPTERS.find((c) => available.has(c.slug));
  return (
    <main id="main" className="page">
      <section className="hero" aria-labelledby="home-title">
        <h1 id="home-title">DiT Lab</h1>
        <p className="lead">
          An interactive textbook on Diffusion Transformers: the DDPM maths, latent diffusion, patch tokens, adaLN-Zero,
          classifier-free guidance and scaling, from Peebles &amp; Xie&rsquo;s &ldquo;Scalable Diffusion Models with
          Transformers&rdquo;.
        </p>
        <p>
          Beside every idea is a live widget. They run on real handwritten digits in your browser, and the later chapters run
          a small DiT that this project trained on MNIST: move a slider and diffusion runs again, no server involved.
        </p>
        {first && (
          <p>
            <Link href={chapterHref(first.slug)}>
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
              </li>
            );
          })}
        </ol>
      </section>
    </main>
  );
}
