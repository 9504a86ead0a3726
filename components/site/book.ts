/**
 * The book as the build sees it: which chapters have a file, and the equation index across them.
 * Server-only (reads the disk at build time through lib/mdx-pipeline.ts).
 */
import { buildBookIndex, loadChapterSources, type BookIndex, type ChapterSource } from '@/lib/mdx-pipeline';

export interface Book {
  chapters: ChapterSource[];
  index: BookIndex;
  available: ReadonlySet<string>;
}

let book: Book | null = null;

export function getBook(): Book {
  if (!book) {
    const chapters = loadChapterSources();
    book = { chapters, index: buildBookIndex(chapters), available: new Set(chapters.map((c) => c.slug)) };
  }
  return book;
}
