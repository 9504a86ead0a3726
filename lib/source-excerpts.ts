/**
 * The code beside the equations: at build time, the functions of the maths folders of lib whose doc
 * comment names an equation (`Eq. q-sample: ...`, the convention every such comment follows), so a
 * chapter shows the very code the tests check and it can never drift from it. Node only (it reads
 * the source files); the chapter pages are rendered at build time, so no page bundles it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface Excerpt {
  /** Repository-relative path, e.g. lib/diffusion/gaussian-diffusion.ts. */
  file: string;
  /** 1-based line of the doc comment's first line. */
  line: number;
  /** The function, method or constant the comment documents. */
  name: string;
  /** The doc comment and the declaration, dedented. */
  code: string;
  /** True when the comment begins with this equation (it is the code of it, not a use of it). */
  primary: boolean;
}

/** The folders whose code is the book's maths (the rest of lib uses it). */
export const MATHS_FOLDERS = ['lib/diffusion', 'lib/dit', 'lib/metrics', 'lib/vae', 'lib/sample'];
const MAX_LINES = 90;

const DECL =
  /^(\s*)(?:export\s+)?(?:async\s+)?(?:function\s+(\w+)|(?:const|let)\s+(\w+)\b|class\s+(\w+)|(?:(?:private|public|static|readonly)\s+)*(\w+)\s*[(<])/;

/** Every excerpt in one file's text, with the equation ids its comment names. */
export function excerptsOf(file: string, text: string): { ids: string[]; excerpt: Omit<Excerpt, 'primary'>; first: string | null }[] {
  const lines = text.split('\n');
  const out: { ids: string[]; excerpt: Omit<Excerpt, 'primary'>; first: string | null }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\/\*\*/.test(lines[i])) continue;
    let j = i;
    while (j < lines.length && !lines[j].includes('*/')) j++;
    const doc = lines.slice(i, j + 1).join('\n');
    const ids = [...doc.matchAll(/Eq\. ([a-z0-9]+(?:-[a-z0-9]+)*)/g)].map((m) => m[1]);
    const decl = DECL.exec(lines[j + 1] ?? '');
    if (ids.length === 0 || !decl) continue;
    const indent = decl[1];
    let end = j + 1;
    if (!/[;,]\s*$/.test(lines[end])) {
      end = lines.findIndex((l, k) => k > j + 1 && (l === `${indent}}` || l === `${indent}};` || l === `${indent});`));
      if (end < 0) continue;
    }
    if (end - i + 1 > MAX_LINES) continue;
    const code = lines
      .slice(i, end + 1)
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()))
      .join('\n');
    const first = /^\s*\/\*\*\s*\n?\s*\*?\s*Eq\. ([a-z0-9-]+)/.exec(doc)?.[1] ?? null;
    out.push({ ids: [...new Set(ids)], excerpt: { file, line: i + 1, name: decl[2] ?? decl[3] ?? decl[4] ?? decl[5], code }, first });
  }
  return out;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? tsFiles(p) : d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

let index: Map<string, Excerpt[]> | null = null;

/** Equation id to its code: the excerpts whose comment begins with the equation, else those that name it. */
export function equationCode(root = process.cwd()): Map<string, Excerpt[]> {
  if (index) return index;
  const all = new Map<string, Excerpt[]>();
  for (const folder of MATHS_FOLDERS)
    for (const abs of tsFiles(path.join(root, folder)).sort()) {
      const file = path.relative(root, abs).split(path.sep).join('/');
      for (const { ids, excerpt, first } of excerptsOf(file, readFileSync(abs, 'utf8')))
        for (const id of ids) all.set(id, [...(all.get(id) ?? []), { ...excerpt, primary: id === first }]);
    }
  index = new Map([...all].map(([id, list]) => [id, list.some((e) => e.primary) ? list.filter((e) => e.primary) : list]));
  return index;
}
