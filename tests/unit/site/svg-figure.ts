/** Helpers for the tests of the static SVG figures (components/mdx): render once, check the accessible shape, read the text. */
import { expect, test } from 'vitest';
import { createElement, type ComponentType } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

/** The figure's server markup and its SVGs (a wide and a narrow drawing). */
export function renderFigure(figure: ComponentType): { html: string; svgs: string[] } {
  const html = renderToStaticMarkup(createElement(figure));
  return { html, svgs: html.match(/<svg[\s\S]*?<\/svg>/g) ?? [] };
}

/**
 * Two SVGs, each an image labelled by its own title (`title`) and one description, with no id used
 * twice across the page, and every arrowhead a path asks for defined in its own drawing.
 */
export function expectTwoAccessibleSvgs(html: string, svgs: string[], title: string): void {
  expect(svgs).toHaveLength(2);
  for (const svg of svgs) {
    expect(svg).toMatch(/role="img"/);
    const ids = /aria-labelledby="([^"]+) ([^"]+)"/.exec(svg);
    expect(ids).not.toBeNull();
    expect(svg).toContain(`<title id="${ids![1]}">${title}</title>`);
    expect(svg).toContain(`<desc id="${ids![2]}">`);
    expect(svg.match(/<desc/g)).toHaveLength(1);
    const own = new Set([...svg.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
    for (const m of svg.matchAll(/marker-end="url\(#([^)]+)\)"/g)) expect(own.has(m[1]), m[1]).toBe(true);
  }
  const allIds = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
  expect(new Set(allIds).size).toBe(allIds.length);
}

/**
 * Renders the figure for a describe block and adds its accessibility test (two SVGs, `layouts`
 * names them, e.g. 'wide and phone'); returns the markup for the block's other tests.
 */
export function figureSuite(figure: ComponentType, title: string, layouts: string): { html: string; svgs: string[] } {
  const rendered = renderFigure(figure);
  test(`renders on the server as two accessible SVGs (${layouts}) with title and description`, () => {
    expectTwoAccessibleSvgs(rendered.html, rendered.svgs, title);
  });
  return rendered;
}

/** The numeric attribute `name` of an element's markup. */
export function numAttr(tag: string, name: string): number {
  const m = new RegExp(` ${name}="([-\\d.]+)"`).exec(tag);
  expect(m, `${name} in ${tag}`).not.toBeNull();
  return Number(m![1]);
}

/** Expects `text` to contain each of `parts` (a failure names the part missing). */
export function expectContainsAll(text: string, parts: string[]): void {
  for (const s of parts) expect(text, s).toContain(s);
}

/**
 * The visible text of an SVG's markup: title and desc dropped, other tags as spaces, &amp; decoded.
 * joinTspans: subscripts and the like (tspans, hair spaces) join the word they belong to.
 */
export function visibleText(svg: string, { joinTspans = true } = {}): string {
  let body = svg.replace(/<title[\s\S]*?<\/title>|<desc[\s\S]*?<\/desc>/g, '');
  if (joinTspans) body = body.replace(/<\/?tspan[^>]*>/g, '').replace(/\u200a/g, '');
  return body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
