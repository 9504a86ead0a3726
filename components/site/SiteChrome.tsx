import Link from 'next/link';

/** The bar at the top of every page. A server component: no client JavaScript. */
export function SiteHeader() {
  return (
    <header className="site-header">
      <div className="site-header-inner">
        <Link href="/" className="site-title">
          DiT <span>Lab</span>
        </Link>
        <nav className="site-nav" aria-label="Site">
          <Link href="/#chapters">Chapters</Link>
          <Link href="/progress/" prefetch={false}>
            Progress
          </Link>
          <Link href="/teach/" prefetch={false}>
            Teach
          </Link>
          <Link href="/about/">About</Link>
        </nav>
      </div>
    </header>
  );
}

export function SiteFooter() {
  return (
    <footer className="site-footer">
      <p>
        DiT Lab teaches Peebles &amp; Xie, &ldquo;Scalable Diffusion Models with Transformers&rdquo; (ICCV 2023). Digits from MNIST (LeCun, Cortes &amp;
        Burges).
      </p>
      <nav aria-label="Footer">
        <Link href="/#chapters">Chapters</Link>
        <Link href="/about/">About</Link>
        <Link href="/teach/guide/">For teachers</Link>
        <a href="https://arxiv.org/abs/2212.09748">The paper (arXiv)</a>
        <a href="https://github.com/facebookresearch/DiT">Official DiT code</a>
      </nav>
    </footer>
  );
}
