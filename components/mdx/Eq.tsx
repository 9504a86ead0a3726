import type { ReactNode } from 'react';

/**
 * A numbered display equation. The chapter pipeline (lib/mdx-pipeline.ts) adds `label` ("2.3") at
 * build time; the anchor is #eq-<id>, shared with <EqRef> and with code comments `Eq. <id>:`.
 */
export function Eq({ id, label, children }: { id: string; label?: string; children?: ReactNode }) {
  return (
    <div className="eq" id={`eq-${id}`} data-eq-id={id}>
      <div className="eq-math">{children}</div>
      <a className="eq-num" href={`#eq-${id}`} aria-label={`Equation ${label ?? id}`}>
        ({label ?? '?'})
      </a>
    </div>
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
