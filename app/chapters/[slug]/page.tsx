import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { run } from '@mdx-js/mdx';
import * as runtime from 'react/jsx-runtime';
import type { MDXContent } from 'mdx/types';
import { chapterHref } from '@/content/chapters';
import { compileChapter, formatProblem } from '@/lib/mdx-pipeline';
import { getBook } from '@/components/site/book';
import { ChapterOutline, ChapterToc } from '@/components/site/ChapterNav';
import { OutlineSpy } from '@/components/site/OutlineSpy';
import { mdxComponents } from '@/mdx-components';

// Only chapters with a file get a page; any other slug is a 404 (static export).
export const dynamicParams = false;

export function generateStaticParams() {
  return getBook().chapters.map((c) => ({ slug: c.slug }));
}

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug } = await params;
  const chapter = getBook().chapters.find((c) => c.slug === slug);
  return chapter ? { title: `${chapter.number}. ${chapter.title}`, description: chapter.summary } : {};
}

export default async function ChapterPage({ params }: Props) {
  const { slug } = await params;
  const book = getBook();
  const position = book.chapters.findIndex((c) => c.slug === slug);
  if (position < 0) notFound();
  const chapter = book.chapters[position];

  const compiled = await compileChapter(chapter, book.index);
  // Book-wide problems (an Eq id defined twice) count for the chapter they were found in.
  const errors = [...book.index.problems.filter((p) => p.file === chapter.file), ...compiled.problems].filter((p) => p.severity !== 'pending');
  if (errors.length > 0) {
    // Fail the build with every problem listed (the same list `npx tsx scripts/check-chapters.ts` prints).
    throw new Error(`Chapter ${chapter.number} does not build:\n${errors.map(formatProblem).join('\n')}`);
  }
  const { default: Content } = (await run(compiled.code, { ...runtime, baseUrl: import.meta.url })) as { default: MDXContent };

  const prev = book.chapters[position - 1];
  const next = book.chapters[position + 1];
  const hasOutline = compiled.outline.length > 0;

  return (
    <div className="chapter-layout">
      <nav className="sidebar toc" aria-label="Chapters">
        <h2>Chapters</h2>
        <ChapterToc currentSlug={slug} available={book.available} />
      </nav>

      <main id="main" className="article">
        {/* Phones: both menus share one row until one opens (it then takes the full width). */}
        <div className="mobile-navs">
          <details className="mobile-nav mobile-toc">
            <summary>All chapters</summary>
            <nav aria-label="Chapters (compact)">
              <ChapterToc currentSlug={slug} available={book.available} />
            </nav>
          </details>
          {hasOutline && (
            <details className="mobile-nav outline-only">
              <summary>On this page</summary>
              <nav aria-label="On this page (compact)">
                <ChapterOutline outline={compiled.outline} />
              </nav>
            </details>
          )}
        </div>

        <article>
          <header className="chapter-head">
            <p className="eyebrow">Chapter {chapter.number}</p>
            <h1>{chapter.title}</h1>
            <p className="lead">{chapter.summary}</p>
          </header>
          <div className="prose">
            <Content components={mdxComponents} />
          </div>
        </article>

        <nav className="pager" aria-label="Previous and next chapter">
          {prev && (
            <Link className="prev" href={chapterHref(prev.slug)} rel="prev">
              <span className="dir">Previous: chapter {prev.number}</span>
              {prev.title}
            </Link>
          )}
          {next && (
            <Link className="next" href={chapterHref(next.slug)} rel="next">
              <span className="dir">Next: chapter {next.number}</span>
              {next.title}
            </Link>
          )}
        </nav>
      </main>

      {hasOutline && (
        <nav className="sidebar outline" aria-label="On this page">
          <h2>On this page</h2>
          <ChapterOutline outline={compiled.outline} />
          <OutlineSpy />
        </nav>
      )}
    </div>
  );
}
