import Link from 'next/link';
import { ChapterToc } from '@/components/site/ChapterNav';
import { getBook } from '@/components/site/book';

export default function NotFound() {
  const { available } = getBook();
  return (
    <main id="main" className="page">
      <h1>Page not found</h1>
      <p className="lead">There is no page at this address (404). Perhaps it moved; the chapters are these:</p>
      <nav aria-label="Chapters" className="notfound-toc">
        <ChapterToc available={available} />
      </nav>
      <p>
        Or start from the <Link href="/#chapters">home page</Link>.
      </p>
    </main>
  );
}
