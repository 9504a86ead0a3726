/**
 * Exercise text to HTML, at build time (the chapter page is rendered on the server, so KaTeX never
 * ships to the reader for an exercise). $$...$$ is display maths, $...$ inline maths, `code` and
 * **bold** are kept; everything else is escaped. {{name}} placeholders stay in the HTML for the
 * page to fill with the student's parameters (placeholders.ts, which the page loads without KaTeX).
 */
import katex from 'katex';
import { escapeHtml } from './placeholders';

function prose(s: string): string {
  return escapeHtml(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

/** Renders one text field; throws on a TeX error (the unit tests render every field). */
export function renderExerciseText(text: string, opts: { display?: boolean } = {}): string {
  // The exercise texts are String.raw templates (for TeX's backslashes), where a backtick is written \`.
  text = text.replace(/\\`/g, '`');
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
