/**
 * The {{name}} placeholders of exercise text, filled in the browser with a student's parameters.
 * Kept apart from render.ts so that the page never loads KaTeX for an exercise.
 */

export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The {{name}} placeholders a text uses. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]);
}

/** Fills {{name}} with values (escaped); an unknown name is left visible rather than guessed. */
export function fillPlaceholders(html: string, values: Record<string, string>): string {
  return html.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in values ? escapeHtml(values[name]) : whole));
}
