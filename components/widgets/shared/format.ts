/** Numbers for readouts: 4 significant digits, scientific notation for the very small and very large. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) {
    const [m, e] = v.toExponential(2).split('e');
    return `${m}e${Number(e)}`;
  }
  return v.toPrecision(4);
}

/** formatValue with typographic minus signs, for what the reader sees. */
export function formatDisplay(v: number): string {
  return formatValue(v).replace(/-/g, '\u2212');
}
