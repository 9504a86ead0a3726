import { describe, expect, it } from 'vitest';
import { parseNumber, withinTolerance, formatNumber, MAX_ANSWER_LENGTH } from '@/lib/exercises/check';
import { fillPlaceholders } from '@/lib/exercises/placeholders';
import { renderExerciseText } from '@/lib/exercises/render';

describe('reading a typed number', () => {
  it.each([
    ['0.25', 0.25],
    [' 1/4 ', 0.25],
    ['25%', 0.25],
    ['\u22120.5', -0.5],
    ['2.5e-3', 0.0025],
    ['1,024', 1024],
    ['1\u202f024', 1024],
    ['.5', 0.5],
    ['6.06 Gflops', 6.06],
  ])('%s -> %f', (raw, value) => {
    const r = parseNumber(raw, 'Gflops');
    expect('value' in r && r.value).toBeCloseTo(value, 12);
  });

  it.each(['', 'abc', '1/0', '1..2', '<script>alert(1)</script>', '0x10', 'Infinity', '1e'])('refuses %j with a message', (raw) => {
    const r = parseNumber(raw);
    expect('error' in r && r.error.length).toBeGreaterThan(5);
  });

  it('refuses an answer longer than the limit without parsing it', () => {
    const r = parseNumber('1'.repeat(MAX_ANSWER_LENGTH + 1));
    expect('error' in r && r.error).toMatch(/longer than/);
  });

  it('compares with an absolute or a relative tolerance', () => {
    expect(withinTolerance(0.105, 0.1, { abs: 0.005 })).toBe(true);
    expect(withinTolerance(0.1051, 0.1, { abs: 0.005 })).toBe(false);
    expect(withinTolerance(101, 100, { rel: 0.01 })).toBe(true);
    expect(withinTolerance(16, 16, { abs: 0 })).toBe(true);
    expect(withinTolerance(17, 16, { abs: 0 })).toBe(false);
  });

  it('writes numbers back briefly', () => {
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(2.5e-5)).toBe('2.5e-5');
  });
});

describe('exercise text', () => {
  it('escapes HTML outside maths and renders maths with KaTeX', () => {
    const html = renderExerciseText('a <b>x</b> & $x^2$ and `code` **bold**');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt; &amp;');
    expect(html).toContain('class="katex"');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<strong>bold</strong>');
  });

  it('throws on bad TeX so the tests catch it', () => {
    expect(() => renderExerciseText('$\\frac{1}{$')).toThrow();
  });

  it('fills placeholders with escaped values and leaves unknown ones visible', () => {
    expect(fillPlaceholders('t = {{t}}, {{nope}}', { t: '<img src=x onerror=alert(1)>' })).toBe('t = &lt;img src=x onerror=alert(1)&gt;, {{nope}}');
  });
});

describe('code in exercise text', () => {
  it('reads \\` (a backtick inside a String.raw template) as a code mark', () => {
    expect(renderExerciseText(String.raw`Write \`qSample(x0)\` now`)).toBe('Write <code>qSample(x0)</code> now');
  });
});
