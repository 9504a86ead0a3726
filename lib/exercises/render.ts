/**
 * Exercise text to HTML, at build time (the chapter page is rendered on the server, so KaTeX never
 * ships to the reader for an exercise). $$...$$ is display maths, $...$ inline maths, `code` and
 * **bold** are kept; everything else is escaped. {{name}} placeholders stay in the HTML for the
 * page to fill with the student's parameters (fillPlaceholders, which escapes what it inserts).
 */
import katex from 'katex';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function prose(s: string): string {
  return escapeHtml(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

/** Renders one text field; throws on a TeX error (the unit tests render every field). */
export function renderExerciseText(text: string, opts: { display?: boolean } = {}): string {
  if (opts.display) return katex.renderToString(text, { displayMode: true, throwOnError: true, strict: 'ignore' });
  let html = '';
  const re = /\$\$([\s\S]+?)\$\$|\$([^$]+?)\$/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    html += prose(text.slice(last, m.index));
    const displayMode = m[1] !== undefined;
    html += katex.renderToString(m[1] ?? m[2], { displayMode, throwOnError: true, strict: 'ignore' });
    last = m.index + m[0].length;
  }
  return html + prose(text.slice(last));
}

/** The {{name}} placeholders a text uses. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]);
}

/** Fills {{name}} with values (escaped); an unknown name is left visible rather than guessed. */
export function fillPlaceholders(html: string, values: Record<string, string>): string {
  return html.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in values ? escapeHtml(values[name]) : whole));
}
