/**
 * A widget's settings in the page address, so a reader or a teacher can link to one exact setting:
 * `?rs.seed=5&rs.steps=20#w-rs` opens chapter 7's sampler on seed 5 with 20 steps. Each widget
 * declares its fields (a prefix and, per setting, whole number, number on a grid, or one of a list);
 * everything in the address is hostile until read here: a value that is too long, malformed, out of
 * range or off the slider's grid is refused with a sentence saying so, and the default stays.
 * No DOM here: the widgets' hook (components/widgets/shared/use-url-settings.ts) calls it.
 */

export type UrlField =
  | { kind: 'int'; label: string; min: number; max: number; only?: readonly number[] }
  | { kind: 'number'; label: string; min: number; max: number; step: number; only?: readonly number[] }
  | { kind: 'enum'; label: string; values: readonly string[] };

export type UrlSpec<S> = { [K in keyof S]?: UrlField };

/** The longest value read at all; anything longer is refused unread. */
const MAX_VALUE = 24;

/** A value as a message may quote it: short, printable, shown as text by React. */
function quote(raw: string): string {
  const clean = raw.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 16 ? `${clean.slice(0, 16)}…` : clean;
}

function readField(f: UrlField, raw: string): { value: number | string } | { problem: string } {
  if (raw.length > MAX_VALUE) return { problem: `${f.label}: the link's value is too long` };
  if (f.kind === 'enum') return f.values.includes(raw) ? { value: raw } : { problem: `${f.label}: “${quote(raw)}” is not one of ${f.values.join(', ')}` };
  const ok = f.kind === 'int' ? /^-?\d+$/.test(raw) : /^-?(\d+\.?\d*|\.\d+)$/.test(raw);
  const v = Number(raw);
  const range = `${f.kind === 'int' ? 'a whole number' : 'a number'} from ${f.min} to ${f.max}`;
  if (!ok || !Number.isFinite(v) || v < f.min || v > f.max) return { problem: `${f.label}: “${quote(raw)}” is not ${range}` };
  if (f.only && !f.only.includes(v)) return { problem: `${f.label}: ${quote(raw)} is not one of ${f.only.join(', ')}` };
  if (f.kind === 'number' && f.only) return { value: v };
  if (f.kind === 'number') {
    const k = (v - f.min) / f.step;
    if (Math.abs(k - Math.round(k)) > 1e-6) return { problem: `${f.label}: ${quote(raw)} is not on the slider's steps of ${f.step}` };
    return { value: Number((f.min + Math.round(k) * f.step).toFixed(10)) };
  }
  return { value: v };
}

/** The settings a page address gives one widget, and a sentence for each value it refused. */
export function readUrlSettings<S>(search: string, prefix: string, spec: UrlSpec<S>): { patch: Partial<S>; problems: string[] } {
  const params = new URLSearchParams(search.length > 4000 ? '' : search);
  const patch: Partial<S> = {};
  const problems: string[] = [];
  if (search.length > 4000) problems.push('The address is too long to read; the widgets start from their defaults.');
  for (const [key, raw] of params) {
    if (!key.startsWith(`${prefix}.`)) continue;
    const name = key.slice(prefix.length + 1) as keyof S & string;
    const field = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    if (!field) {
      problems.push(`“${quote(name)}” is not a setting of this widget`);
      continue;
    }
    const r = readField(field, raw);
    if ('value' in r) patch[name] = r.value as S[typeof name];
    else problems.push(r.problem);
  }
  return { patch, problems };
}

/** The page address with this widget's settings written in (other parameters kept) and its anchor. */
export function urlWithSettings<S>(href: string, prefix: string, spec: UrlSpec<S>, settings: S, anchor: string): string {
  const url = new URL(href);
  for (const key of [...url.searchParams.keys()]) if (key.startsWith(`${prefix}.`)) url.searchParams.delete(key);
  for (const name of Object.keys(spec) as (keyof S & string)[]) url.searchParams.set(`${prefix}.${name}`, String(settings[name]));
  url.hash = anchor;
  return url.href;
}

/** The two settings of every widget that starts from a test digit: its class and which of the class's digits. */
export const DIGIT_URL_FIELDS = {
  digitClass: { kind: 'int', label: 'digit', min: 0, max: 9 },
  sample: { kind: 'int', label: 'sample', min: 1, max: 99 },
} as const satisfies Record<string, UrlField>;
