/**
 * The book as the build sees it: which chapters have a file, and the equation index across them.
 * Server-only (reads the disk at build time through lib/mdx-pipeline.ts).
 */
import { buildBookIndex, loadChapterSources, type BookIndex, type ChapterSource } from '@/lib/mdx-pipeline';
import { MDX_COMPONENT_NAMES, type MdxComponentName } from '@/lib/mdx-names';

type WidgetName = Exclude<
  MdxComponentName,
  'Eq' | 'EqRef' | 'Callout' | 'Figure' | 'Recap' | 'References' | 'DitPipeline' | 'PatchGrid' | 'AdaLNZeroBlock' | 'Exercise' | 'CodeCell'
>;

/** What each live widget shows, in a few words, for the chapter list (TypeScript keeps it complete). */
export const WIDGET_TITLES: Record<WidgetName, string> = {
  NoiseScheduleExplorer: 'noise schedules',
  ForwardDiffusion: 'a digit dissolving into noise',
  ReverseSampler: 'the DiT sampling digits',
  GuidanceSweep: 'guidance scale sweep',
  ScalingChart: 'FID against Gflops',
  ConditioningCompare: 'four conditioning blocks',
  PatchifyExplorer: 'patches and tokens',
  AttentionMaps: 'attention maps',
  TrainInBrowser: 'train a DiT in your browser',
  FlowPaths: 'DDPM and rectified-flow paths in the plane',
  SpacetimePatches: 'spacetime patches of a video latent',
};

const WIDGET_NAMES = MDX_COMPONENT_NAMES.filter((n): n is WidgetName => n in WIDGET_TITLES);

export interface Book {
  chapters: ChapterSource[];
  index: BookIndex;
  available: ReadonlySet<string>;
  /** The live widgets each written chapter uses, in order of first use. */
  widgets: ReadonlyMap<string, WidgetName[]>;
}

/** Widgets used by a chapter's source, in order of first appearance, each once. */
export function widgetsIn(source: string): WidgetName[] {
  const found = WIDGET_NAMES.map((name) => ({ name, at: source.search(new RegExp(`<${name}[\\s/>]`)) })).filter((w) => w.at >= 0);
  return found.sort((a, b) => a.at - b.at).map((w) => w.name);
}

let book: Book | null = null;

export function getBook(): Book {
  if (!book) {
    const chapters = loadChapterSources();
    book = {
      chapters,
      index: buildBookIndex(chapters),
      available: new Set(chapters.map((c) => c.slug)),
      widgets: new Map(chapters.map((c) => [c.slug, widgetsIn(c.source)])),
    };
  }
  return book;
}
