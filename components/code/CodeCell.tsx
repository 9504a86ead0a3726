import { CELLS } from '@/content/cells';
import { CodeCellView } from './CodeCellView';

/** <CodeCell id="..." /> in a chapter: one of content/cells.ts; an unknown id fails the build. */
export function CodeCell({ id }: { id: string }) {
  const cell = CELLS.find((c) => c.id === id);
  if (!cell) throw new Error(`<CodeCell id="${id}" />: no cell has this id (content/cells.ts)`);
  return <CodeCellView id={cell.id} title={cell.title} code={cell.code} />;
}
