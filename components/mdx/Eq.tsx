import type { ReactNode } from 'react';
import { equationCode } from '@/lib/source-excerpts';

/**
 * A numbered display equation. The chapter pipeline (lib/mdx-pipeline.ts) adds `label` ("2.3") at
 * build time; the anchor is #eq-<id>, shared with <EqRef> and with code comments `Eq. <id>:`.
 * Under it, folded, the project's own code of the equation: the functions whose doc comment names
 * it (lib/source-excerpts.ts), read from the source when the site is built.
 */
export function Eq({ id, label, children }: { id: string; label?: string; children?: ReactNode }) {
  const code = equationCode().get(id) ?? [];
  return (
    <>
      <div className="eq" id={`eq-${id}`} data-eq-id={id}>
        <div className="eq-math">{children}</div>
        <a className="eq-num" href={`#eq-${id}`} aria-label={`Equation ${label ?? id}`}>
          ({label ?? '?'})
        </a>
      </div>
      {code.length > 0 && (
        <details className="eq-code" data-eq-code={id}>
          <summary>
            The code of ({label ?? '?'}):{' '}
            {code.map((e, i) => (
              <span key={`${e.file}:${e.line}`}>
                {i > 0 && ', '}
                <code>{e.name}</code> in {e.file}
              </span>
            ))}
          </summary>
          {code.map((e) => (
            <pre key={`${e.file}:${e.line}`} tabIndex={0} aria-label={`${e.name}, ${e.file} line ${e.line}`}>
              <code>{e.code}</code>
            </pre>
          ))}
        </details>
      )}
    </>
  );
}

/** A link "(2.3)" to an equation in this chapter or another one (label and href come from the pipeline). */
export function EqRef({ id, label, href, chapterTitle }: { id: string; label?: string; href?: string; chapterTitle?: string }) {
  const where = chapterTitle ? ` in “${chapterTitle}”` : '';
  return (
    <a className="eqref" href={href ?? `#eq-${id}`} title={`Equation ${label ?? id}${where}`}>
      ({label ?? '?'})
    </a>
  );
}
