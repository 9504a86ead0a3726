/**
 * The one MDX pipeline: the site's chapter pages (app/chapters/[slug]/page.tsx), the chapter checker
 * (scripts/check-chapters.ts) and its unit test all compile chapters through compileChapter() here, so
 * what the checker accepts is exactly what the build renders.
 *
 * Markdown (GFM) and maths (remark-math, KaTeX) as usual, plus DiT Lab's own checks and numbering:
 * - every capitalised tag must be registered (lib/mdx-names.ts);
 * - <Eq id> gets its number "(chapter.n)" from a scan of all chapters, so <EqRef id> resolves across
 *   chapters; Eq ids must be unique over the whole book;
 * - <Figure> gets "chapter.n" and an anchor id;
 * - links to /chapters/<slug>/#anchor must reach an existing chapter and anchor;
 * - a KaTeX error is a problem, not a red span on the page.
 * No React here (lib/ never imports React); the page runs the compiled code with react/jsx-runtime.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compile, createProcessor } from '@mdx-js/mdx';
import GithubSlugger from 'github-slugger';
import rehypeKatex from 'rehype-katex';
import rehypeSlug from 'rehype-slug';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import { CHAPTERS, chapterFileName, type ChapterMeta } from '../content/chapters';
import { MDX_COMPONENT_NAMES } from './mdx-names';

// ---------------------------------------------------------------------------------------------
// Trees: just enough structure to walk mdast / hast without depending on their type packages
// ---------------------------------------------------------------------------------------------

interface Point {
  line: number;
  column: number;
}
interface AnyNode {
  type: string;
  children?: AnyNode[];
  position?: { start: Point; end: Point };
  [key: string]: unknown;
}
interface JsxAttribute {
  type: string;
  name?: string;
  value?: unknown;
}

function walk(node: AnyNode, visit: (node: AnyNode, parent: AnyNode | null) => void, parent: AnyNode | null = null): void {
  visit(node, parent);
  for (const child of node.children ?? []) walk(child, visit, node);
}

function isJsx(node: AnyNode): boolean {
  return node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement';
}

function jsxName(node: AnyNode): string | null {
  return typeof node.name === 'string' ? node.name : null;
}

function attributes(node: AnyNode): JsxAttribute[] {
  return Array.isArray(node.attributes) ? (node.attributes as JsxAttribute[]) : [];
}

/** The value of a string attribute; undefined if absent, null if it is an expression. */
function stringAttribute(node: AnyNode, name: string): string | null | undefined {
  const attr = attributes(node).find((a) => a.type === 'mdxJsxAttribute' && a.name === name);
  if (!attr) return undefined;
  return typeof attr.value === 'string' ? attr.value : null;
}

function setAttribute(node: AnyNode, name: string, value: string): void {
  const list = attributes(node).filter((a) => a.name !== name);
  list.push({ type: 'mdxJsxAttribute', name, value });
  node.attributes = list;
}

function textOf(node: AnyNode): string {
  if (typeof node.value === 'string' && (node.type === 'text' || node.type === 'inlineCode' || node.type === 'inlineMath')) {
    return node.value;
  }
  return (node.children ?? []).map(textOf).join('');
}

function lineOf(node: AnyNode): number | undefined {
  return node.position?.start.line;
}

// ---------------------------------------------------------------------------------------------
// Chapters on disk
// ---------------------------------------------------------------------------------------------

export interface ChapterSource extends ChapterMeta {
  /** Path of the .mdx file. */
  file: string;
  source: string;
}

export interface Problem {
  file: string;
  line?: number;
  message: string;
  /**
   * 'pending': a link to a chapter that is listed but has no file yet. The checker fails on it (the
   * reader would meet a 404), but the site still builds, so chapters can land one at a time.
   */
  severity?: 'error' | 'pending';
}

export function formatProblem(p: Problem): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`;
}

/** content/chapters, or DITLAB_CHAPTERS_DIR (tests point it at fixtures). */
export function chaptersDir(): string {
  const fromEnv = process.env.DITLAB_CHAPTERS_DIR;
  return fromEnv ? path.resolve(fromEnv) : path.join(process.cwd(), 'content', 'chapters');
}

/** The chapters whose .mdx file exists, in chapter order. */
export function loadChapterSources(dir: string = chaptersDir()): ChapterSource[] {
  const out: ChapterSource[] = [];
  for (const meta of CHAPTERS) {
    const file = path.join(dir, chapterFileName(meta));
    if (existsSync(file)) out.push({ ...meta, file, source: readFileSync(file, 'utf8') });
  }
  return out;
}

/**
 * The words a reader reads in a chapter's source: prose, with imports, tags, code blocks, display
 * maths and link targets left out (inline maths counts as one word).
 */
export function proseWords(source: string): number {
  const text = source
    .replace(/^(import|export) .*$/gm, ' ')
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/\$\$[\s\S]*?\$\$/g, ' ')
    .replace(/\$[^$\n]+\$/g, ' x ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\]\([^)]*\)/g, ' ')
    .replace(/[#*_>|`[\]{}-]+/g, ' ');
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** Reading speed for technical prose with equations, in words a minute. */
export const READING_WPM = 120;

/** .mdx files in the folder that match no chapter of content/chapters.ts (a typo in the name). */
export function strayChapterFiles(dir: string = chaptersDir()): string[] {
  if (!existsSync(dir)) return [];
  const expected = new Set(CHAPTERS.map(chapterFileName));
  return readdirSync(dir)
    .filter((name) => name.endsWith('.mdx') && !expected.has(name))
    .map((name) => path.join(dir, name));
}

// ---------------------------------------------------------------------------------------------
// The book-wide index: equation numbers and anchors of every chapter
// ---------------------------------------------------------------------------------------------

export interface EquationInfo {
  id: string;
  slug: string;
  chapter: number;
  /** "2.3": chapter 2, third equation. */
  label: string;
  file: string;
  line?: number;
}

export interface BookIndex {
  equations: Map<string, EquationInfo>;
  /** Anchor ids (headings, eq-*, fig-*) per chapter slug that has a file. */
  anchors: Map<string, Set<string>>;
  problems: Problem[];
}

const parser = createProcessor({ remarkPlugins: [remarkGfm, remarkMath] });

function parseMdx(chapter: ChapterSource): AnyNode {
  return parser.parse({ path: chapter.file, value: chapter.source }) as unknown as AnyNode;
}

const EQ_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export function buildBookIndex(chapters: ChapterSource[]): BookIndex {
  const equations = new Map<string, EquationInfo>();
  const anchors = new Map<string, Set<string>>();
  const problems: Problem[] = [];
  for (const chapter of chapters) {
    const ids = new Set<string>();
    anchors.set(chapter.slug, ids);
    let tree: AnyNode;
    try {
      tree = parseMdx(chapter);
    } catch {
      continue; // compileChapter reports the syntax error with its line
    }
    // Heading ids as rehype-slug makes them (github-slugger over the heading text, one slugger per page).
    const slugger = new GithubSlugger();
    let eqCount = 0;
    let figCount = 0;
    walk(tree, (node) => {
      if (node.type === 'heading') ids.add(slugger.slug(textOf(node)));
      if (!isJsx(node)) return;
      const name = jsxName(node);
      if (name === 'Figure') ids.add(`fig-${chapter.number}-${++figCount}`);
      if (name !== 'Eq') return;
      const id = stringAttribute(node, 'id');
      if (typeof id !== 'string' || !EQ_ID.test(id)) return; // compileChapter reports it
      eqCount++;
      ids.add(`eq-${id}`);
      const previous = equations.get(id);
      if (previous) {
        problems.push({
          file: chapter.file,
          line: lineOf(node),
          message: `<Eq id="${id}"> is defined twice (first at ${formatProblem({ file: previous.file, line: previous.line, message: '' }).slice(0, -2)})`,
        });
        return;
      }
      equations.set(id, { id, slug: chapter.slug, chapter: chapter.number, label: `${chapter.number}.${eqCount}`, file: chapter.file, line: lineOf(node) });
    });
  }
  return { equations, anchors, problems };
}

// ---------------------------------------------------------------------------------------------
// Plugins
// ---------------------------------------------------------------------------------------------

export interface OutlineSegment {
  kind: 'text' | 'math';
  value: string;
}
export interface OutlineItem {
  depth: 2 | 3;
  id: string;
  /** The heading text, with inline maths kept as LaTeX so the outline can typeset it. */
  segments: OutlineSegment[];
}

interface CompileContext {
  chapter: ChapterSource;
  index: BookIndex;
  problems: Problem[];
  outline: OutlineItem[];
}

const KNOWN = new Set<string>(MDX_COMPONENT_NAMES);
const CHAPTER_LINK = /^\/chapters\/([^/#?]*)(\/?)(?:#(.*))?$/;

function remarkDitLab(ctx: CompileContext) {
  const problem = (node: AnyNode, message: string) => ctx.problems.push({ file: ctx.chapter.file, line: lineOf(node), message });
  return (tree: AnyNode) => {
    let eqCount = 0;
    let figCount = 0;
    walk(tree, (node) => {
      if (node.type === 'mdxjsEsm') problem(node, 'chapters have no import or export lines (components come from mdx-components.tsx)');
      if (node.type === 'yaml' || node.type === 'toml') problem(node, 'chapters have no frontmatter (metadata lives in content/chapters.ts)');
      if (node.type === 'heading' && node.depth === 1) problem(node, 'no "#" heading: the page title comes from content/chapters.ts; start sections with "##"');
      if (node.type === 'link' && typeof node.url === 'string') checkLink(node, node.url);
      if (!isJsx(node)) return;
      const name = jsxName(node);
      if (name === null || /^[a-z]/.test(name)) return; // fragments and plain HTML tags
      if (!KNOWN.has(name)) {
        problem(node, `unknown component <${name}> (registered: ${MDX_COMPONENT_NAMES.join(', ')})`);
        return;
      }
      for (const attr of attributes(node)) {
        if (attr.type === 'mdxJsxAttribute' && typeof attr.value === 'string' && attr.value.includes('\\')) {
          problem(node, `<${name} ${attr.name}="..."> holds a backslash: never put LaTeX in a JSX attribute`);
        }
      }
      if (name === 'Eq') {
        const id = stringAttribute(node, 'id');
        if (typeof id !== 'string' || !EQ_ID.test(id)) {
          problem(node, `<Eq> needs a kebab-case string id, got ${id === undefined ? 'none' : JSON.stringify(id)}`);
          return;
        }
        eqCount++;
        const maths = (node.children ?? []).filter((c) => c.type === 'math');
        const other = (node.children ?? []).filter((c) => c.type !== 'math');
        if (maths.length !== 1 || other.length > 0) {
          problem(node, `<Eq id="${id}"> must hold exactly one $$ display-maths block on its own lines, with blank lines around it`);
        }
        const info = ctx.index.equations.get(id);
        // A duplicate keeps the first definition's number; the index already reported it.
        setAttribute(node, 'label', info && info.slug === ctx.chapter.slug ? info.label : `${ctx.chapter.number}.${eqCount}`);
      }
      if (name === 'EqRef') {
        const id = stringAttribute(node, 'id');
        const info = typeof id === 'string' ? ctx.index.equations.get(id) : undefined;
        if (!info) {
          problem(node, `<EqRef id=${JSON.stringify(id ?? null)}> refers to no <Eq> in any chapter`);
          return;
        }
        setAttribute(node, 'label', info.label);
        setAttribute(node, 'href', info.slug === ctx.chapter.slug ? `#eq-${info.id}` : `/chapters/${info.slug}/#eq-${info.id}`);
        if (info.slug !== ctx.chapter.slug) setAttribute(node, 'chapterTitle', CHAPTERS.find((c) => c.slug === info.slug)?.title ?? '');
      }
      if (name === 'Figure') {
        figCount++;
        setAttribute(node, 'number', `${ctx.chapter.number}.${figCount}`);
        setAttribute(node, 'anchor', `fig-${ctx.chapter.number}-${figCount}`);
        if (typeof stringAttribute(node, 'caption') !== 'string') problem(node, '<Figure> needs a caption="..." string');
      }
    });
  };

  function checkLink(node: AnyNode, url: string) {
    if (!url.startsWith('/chapters')) return;
    const m = CHAPTER_LINK.exec(url);
    if (!m) {
      problem(node, `malformed chapter link ${url} (use /chapters/<slug>/ or /chapters/<slug>/#anchor)`);
      return;
    }
    const [, slug, slash, hash] = m;
    const meta = CHAPTERS.find((c) => c.slug === slug);
    if (!meta) {
      problem(node, `link to unknown chapter ${url}`);
      return;
    }
    if (!slash) problem(node, `chapter link ${url} needs the trailing slash: /chapters/${slug}/`);
    const anchors = ctx.index.anchors.get(slug);
    if (!anchors) {
      ctx.problems.push({
        file: ctx.chapter.file,
        line: lineOf(node),
        severity: 'pending',
        message: `link to chapter ${meta.number} (${slug}), which has no file yet`,
      });
      return;
    }
    if (hash && !anchors.has(hash)) problem(node, `link to #${hash} in chapter ${meta.number}, which has no such section, equation or figure`);
  }
}

/** After rehype-slug, before KaTeX: the h2/h3 outline with the ids rehype-slug gave. */
function rehypeOutline(ctx: CompileContext) {
  const segmentsOf = (node: AnyNode, out: OutlineSegment[]) => {
    for (const child of node.children ?? []) {
      const className = (child.properties as { className?: unknown } | undefined)?.className;
      const classes = Array.isArray(className) ? className : [];
      if (child.type === 'text' && typeof child.value === 'string') out.push({ kind: 'text', value: child.value });
      else if (child.type === 'element' && classes.includes('math-inline')) out.push({ kind: 'math', value: textOf(child) });
      else segmentsOf(child, out);
    }
  };
  return (tree: AnyNode) => {
    walk(tree, (node) => {
      if (node.type !== 'element' || (node.tagName !== 'h2' && node.tagName !== 'h3')) return;
      const id = (node.properties as { id?: unknown }).id;
      if (typeof id !== 'string') return;
      const segments: OutlineSegment[] = [];
      segmentsOf(node, segments);
      ctx.outline.push({ depth: node.tagName === 'h2' ? 2 : 3, id, segments });
    });
  };
}

/** After KaTeX: a maths error that rehype-katex did not report as a message still shows as a red span. */
function rehypeKatexProblems(ctx: CompileContext) {
  return (tree: AnyNode, file: { messages: { source?: string | null }[] }) => {
    if (file.messages.some((m) => m.source === 'rehype-katex')) return; // reported with lines below
    walk(tree, (node) => {
      if (node.type !== 'element') return;
      const props = (node.properties ?? {}) as { className?: unknown; title?: unknown };
      if (Array.isArray(props.className) && props.className.includes('katex-error')) {
        ctx.problems.push({ file: ctx.chapter.file, line: lineOf(node), message: `KaTeX error: ${String(props.title ?? textOf(node))}` });
      }
    });
  };
}

// ---------------------------------------------------------------------------------------------
// Compile
// ---------------------------------------------------------------------------------------------

export interface CompiledChapter {
  /** Function-body JavaScript for @mdx-js/mdx's run(); empty when compilation failed. */
  code: string;
  outline: OutlineItem[];
  problems: Problem[];
}

/** KaTeX settings shared by chapters and the outline. */
export const KATEX_OPTIONS = { strict: 'ignore' as const, trust: false };

export async function compileChapter(chapter: ChapterSource, index: BookIndex): Promise<CompiledChapter> {
  const ctx: CompileContext = { chapter, index, problems: [], outline: [] };
  try {
    const file = await compile(
      { path: chapter.file, value: chapter.source },
      {
        outputFormat: 'function-body',
        development: false,
        remarkPlugins: [remarkGfm, remarkMath, [remarkDitLab, ctx]],
        rehypePlugins: [rehypeSlug, [rehypeOutline, ctx], [rehypeKatex, KATEX_OPTIONS], [rehypeKatexProblems, ctx]],
      },
    );
    for (const m of file.messages) {
      if (m.source !== 'rehype-katex') continue;
      const cause = m.cause instanceof Error ? m.cause.message : m.reason;
      ctx.problems.push({ file: chapter.file, line: m.line ?? undefined, message: `KaTeX error: ${cause}` });
    }
    return { code: String(file.value), outline: ctx.outline, problems: ctx.problems };
  } catch (error) {
    const e = error as { line?: number; place?: { line?: number; start?: { line?: number } }; reason?: string; message?: string };
    // Some micromark errors carry their place only in the message text: "... (5:1-5:22)".
    const fromText = /\((\d+):\d+(?:-\d+:\d+)?\)\s*$/.exec(e.reason ?? e.message ?? '');
    const line = e.line ?? e.place?.line ?? e.place?.start?.line ?? (fromText ? Number(fromText[1]) : undefined);
    ctx.problems.push({ file: chapter.file, line: line ?? undefined, message: `MDX syntax error: ${e.reason ?? e.message ?? String(error)}` });
    return { code: '', outline: ctx.outline, problems: ctx.problems };
  }
}

export interface BookCheck {
  chapters: ChapterSource[];
  problems: Problem[];
}

/** Compiles every chapter in dir and returns all problems (empty = the book builds). */
export async function checkBook(dir: string = chaptersDir()): Promise<BookCheck> {
  const chapters = loadChapterSources(dir);
  const index = buildBookIndex(chapters);
  const problems: Problem[] = strayChapterFiles(dir).map((file) => ({
    file,
    message: `matches no chapter in content/chapters.ts (expected one of NN-slug.mdx: ${CHAPTERS.map(chapterFileName).join(', ')})`,
  }));
  problems.push(...index.problems);
  for (const chapter of chapters) problems.push(...(await compileChapter(chapter, index)).problems);
  return { chapters, problems };
}
