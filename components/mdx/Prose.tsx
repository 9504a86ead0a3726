import type { ReactNode } from 'react';

export type CalloutKind = 'note' | 'tip' | 'warning' | 'paper';

const KIND_LABEL: Record<CalloutKind, string> = {
  note: 'Note',
  tip: 'Tip',
  warning: 'Careful',
  paper: 'From the paper',
};

export function Callout({ kind = 'note', title, children }: { kind?: CalloutKind; title?: string; children?: ReactNode }) {
  const k: CalloutKind = kind in KIND_LABEL ? kind : 'note';
  return (
    <aside className={`callout callout-${k}`} aria-label={title ? `${KIND_LABEL[k]}: ${title}` : KIND_LABEL[k]}>
      <p className="callout-title">
        <span className="kind">{KIND_LABEL[k]}</span>
        {title}
      </p>
      {children}
    </aside>
  );
}

/**
 * A numbered figure around a widget or picture. `number` ("2.1") and `anchor` ("fig-2-1") are added
 * by the chapter pipeline at build time.
 */
export function Figure({ caption, number, anchor, children }: { caption: string; number?: string; anchor?: string; children?: ReactNode }) {
  return (
    <figure className="figure" id={anchor}>
      {children}
      <figcaption>
        <a href={anchor ? `#${anchor}` : undefined}>Figure {number}.</a> {caption}
      </figcaption>
    </figure>
  );
}

export function Recap({ children }: { children?: ReactNode }) {
  return (
    <aside className="recap" aria-label="Recap">
      <p className="recap-title">Recap</p>
      {children}
    </aside>
  );
}

export function References({ children }: { children?: ReactNode }) {
  return (
    <section className="references" aria-label="References">
      <p className="references-title">References</p>
      {children}
    </section>
  );
}

/** Markdown tables scroll sideways on a phone instead of widening the page. */
export function Table(props: React.ComponentProps<'table'>) {
  return (
    <div className="table-wrap">
      <table {...props} />
    </div>
  );
}
