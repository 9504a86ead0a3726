/**
 * No page module reaches TensorFlow.js: the widgets import it only inside their workers, so a chapter
 * page stays light until a widget nears the viewport (the end-to-end weight test measures the same
 * from the browser). Follows every value import (type-only imports vanish at build time) and every
 * dynamic import() from app/, components/, content/ and mdx-components.tsx, and fails with the chain
 * that reaches lib/tf.ts.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const TF = 'lib/tf.ts';

function resolve(spec: string, from: string): string | null {
  const base = spec.startsWith('@/') ? spec.slice(2) : spec.startsWith('.') ? path.normalize(path.join(path.dirname(from), spec)) : null;
  if (base === null) return null;
  return ['', '.ts', '.tsx', '/index.ts'].map((e) => base + e).find((f) => existsSync(f) && statSync(f).isFile()) ?? null;
}

/** The files a module imports for their values (not `import type`, not `import { type A, type B }`). */
function valueImports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^(?:import|export) (?!type )([^;]*?)from ['"]([^'"]+)['"]|^import ['"]([^'"]+)['"]/gms)) {
    const clause = m[1] ?? '';
    const braces = /\{([^}]*)\}/.exec(clause);
    const onlyTypes =
      braces !== null &&
      clause.replace(braces[0], '').replace(/[\s,]/g, '') === '' &&
      braces[1].split(',').every((n) => !n.trim() || n.trim().startsWith('type '));
    if (onlyTypes) continue;
    const target = resolve(m[2] ?? m[3], file);
    if (target) out.push(target);
  }
  // import('...') loads after hydration, into the same page: it must be as free of tfjs as the rest.
  // (A worker's entry is a new URL(...), not an import, so the workers stay out of this walk.)
  for (const m of src.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const target = resolve(m[1], file);
    if (target) out.push(target);
  }
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => /\.tsx?$/.test(f));
}

describe('page bundles', () => {
  it('no module of a page imports lib/tf.ts, directly or through others', () => {
    const chain = new Map<string, string[] | null>();
    const reach = (file: string): string[] | null => {
      if (chain.has(file)) return chain.get(file)!;
      chain.set(file, null);
      const found =
        file === TF
          ? [file]
          : valueImports(file)
              .map(reach)
              .find((c) => c !== null);
      const result = found ? (file === TF ? found : [file, ...found]) : null;
      chain.set(file, result);
      return result;
    };
    const roots = ['mdx-components.tsx', ...sources('app'), ...sources('components'), ...sources('content')];
    const leaks = roots
      .map(reach)
      .filter((c): c is string[] => c !== null)
      .map((c) => c.join(' -> '));
    expect(leaks).toEqual([]);
  });

  it('lib/ imports nothing from components/, app/ or scripts/ (the arrows point one way)', () => {
    const upward = sources('lib').flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/^(?:import|export)[^;]*?from ['"]([^'"]+)['"]/gms)]
        .map((m) => resolve(m[1], f))
        .filter((t): t is string => t !== null && /^(components|app|scripts)\//.test(t))
        .map((t) => `${f} -> ${t}`),
    );
    expect(upward).toEqual([]);
  });

  it('the check sees a leak: the model runtime does reach lib/tf.ts', () => {
    const seen = new Set<string>();
    const stack = ['lib/runtime/model-runtime.ts'];
    while (stack.length) {
      const f = stack.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      stack.push(...valueImports(f));
    }
    expect(seen.has(TF)).toBe(true);
  });
});
