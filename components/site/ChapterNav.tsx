import Link from 'next/link';
import katex from 'katex';
import { CHAPTERS, chapterHref } from '@/content/chapters';
import type { OutlineItem } from '@/lib/mdx-pipeline';
import { KATEX_OPTIONS } from '@/lib/mdx-pipeline';

/** Table of contents of the whole book; chapters without a file yet are listed as coming soon. */
export function ChapterToc({ currentSlug, available }: { currentSlug?: string; available: ReadonlySet<string> }) {
  return (
    <ol className="toc-list">
      {CHAPTERS.map((c) => (
        <li key={c.slug}>
          <span className="n" aria-hidden="true">
            {c.number}
          </span>
          {available.has(c.slug) ? (
            // No prefetch: eleven chapter payloads would outweigh the page itself.
            <Link href={chapterHref(c.slug)} prefetch={false} aria-current={c.slug === currentSlug ? 'page' : undefined}>
              <span className="visually-hidden">Chapter {c.number}: </span>
              {c.title}
            </Link>
          ) : (
            <span className="upcoming">
              <span className="visually-hidden">Chapter {c.number}: </span>
              {c.title} <span className="visually-hidden">(coming soon)</span>
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}

function OutlineLabel({ item }: { item: OutlineItem }) {
  return (
    <>
      {item.segments.map((s, i) =>
        s.kind === 'text' ? (
          <span key={i}>{s.value}</span>
        ) : (
          // Typeset at build time: the outline ships as HTML, no KaTeX JavaScript reaches the reader.
          <span key={i} dangerouslySetInnerHTML={{ __html: katex.renderToString(s.value, { ...KATEX_OPTIONS, throwOnError: false }) }} />
        ),
      )}
    </>
  );
}

/** The current chapter's sections (h2) and subsections (h3). */
export function ChapterOutline({ outline }: { outline: OutlineItem[] }) {
  return (
    <ul className="outline-list">
      {outline.map((item) => (
        <li key={item.id} className={`depth-${item.depth}`}>
          <a href={`#${item.id}`}>
            <OutlineLabel item={item} />
          </a>
        </li>
      ))}
    </ul>
  );
}
