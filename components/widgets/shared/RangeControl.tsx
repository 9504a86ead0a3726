'use client';
import { useId, type ReactNode } from 'react';
import styles from './controls.module.css';

/** What every labelled control takes besides its own value. */
interface ControlProps<V> {
  label: ReactNode;
  /** A maths symbol shown after the label in the page's var style, as in "Timestep t". */
  symbol?: string;
  value: V;
  onChange: (value: V) => void;
  disabled?: boolean;
  className?: string;
  testId?: string;
}

/** The label above a control and what the eye sees beside it (aria-hidden: the control says it itself). */
function Labelled({ id, label, aside, className, children }: { id: string; label: ReactNode; aside: ReactNode; className?: string; children: ReactNode }) {
  return (
    <div className={`${styles.control} ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {aside === null ? (
        <span />
      ) : (
        <output htmlFor={id} aria-hidden="true">
          {aside}
        </output>
      )}
      {children}
    </div>
  );
}

function withSymbol({ label, symbol }: { label: ReactNode; symbol?: string }): ReactNode {
  return symbol === undefined ? (
    label
  ) : (
    <>
      {label} <var>{symbol}</var>
    </>
  );
}

/** A labelled slider: <input type=range> with its value shown beside the label and read as aria-valuetext. */
export function RangeControl(
  p: ControlProps<number> & {
    min: number;
    max: number;
    step?: number;
    /** What a screen reader says for the value, e.g. "t = 500 of 1000". */
    valueText: string;
    /** What the eye sees beside the label (defaults to the value). */
    display?: ReactNode;
  },
) {
  const id = useId();
  return (
    <Labelled id={id} label={withSymbol(p)} aside={p.display ?? p.value} className={p.className}>
      <input
        id={id}
        type="range"
        min={p.min}
        max={p.max}
        step={p.step ?? 1}
        value={p.value}
        disabled={p.disabled}
        aria-valuetext={p.valueText}
        data-testid={p.testId}
        onChange={(e) => p.onChange(Number(e.currentTarget.value))}
      />
    </Labelled>
  );
}

/** The timestep slider of every widget that shows one step t of T: "Timestep t", read as "t = 500 of 1000". */
export function TimestepControl(p: Omit<ControlProps<number>, 'label'> & { max: number }) {
  return <RangeControl {...p} label="Timestep" symbol="t" min={1} valueText={`t = ${p.value} of ${p.max}`} display={`${p.value} / ${p.max}`} />;
}

/** A labelled <select>. */
export function SelectControl<V extends string>(p: ControlProps<V> & { options: readonly { value: V; label: string }[] }) {
  const id = useId();
  return (
    <Labelled id={id} label={withSymbol(p)} aside={null} className={p.className}>
      <select id={id} value={p.value} disabled={p.disabled} data-testid={p.testId} onChange={(e) => p.onChange(e.currentTarget.value as V)}>
        {p.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Labelled>
  );
}

/** A labelled <select> over numbers (the DOM holds strings; this converts both ways). */
export function NumberSelect(p: ControlProps<number> & { options: readonly { value: number; label: string }[] }) {
  const options = p.options.map((o) => ({ value: String(o.value), label: o.label }));
  return <SelectControl {...p} value={String(p.value)} options={options} onChange={(v) => p.onChange(Number(v))} />;
}

const DIGITS = Array.from({ length: 10 }, (_, d) => ({ value: d, label: String(d) }));

/** The digit to draw, 0..9, or with `random` also -1: a class drawn from each sample's seed. */
export function ClassSelect({
  value,
  onChange,
  random = true,
  label = 'Class',
  disabled,
  testId,
}: {
  value: number;
  onChange: (v: number) => void;
  random?: boolean;
  label?: string;
  disabled?: boolean;
  testId: string;
}) {
  return (
    <NumberSelect
      label={label}
      value={value}
      options={random ? [{ value: -1, label: 'Random' }, ...DIGITS] : DIGITS}
      onChange={onChange}
      disabled={disabled}
      testId={testId}
    />
  );
}

/** Which test digit a widget starts from: its class, then which of that class's test digits. */
export function DigitPicker(p: {
  digitClass: number;
  sample: number;
  samplesInClass: number;
  onClass: (digitClass: number) => void;
  onSample: (sample: number) => void;
  disabled?: boolean;
  /** data-testid of the class select and of the sample slider. */
  testIds: readonly [string, string];
}) {
  return (
    <>
      <ClassSelect label="Digit" random={false} value={p.digitClass} onChange={p.onClass} disabled={p.disabled} testId={p.testIds[0]} />
      <RangeControl
        label="Sample"
        value={p.sample}
        min={1}
        max={p.samplesInClass}
        onChange={p.onSample}
        valueText={`sample ${p.sample} of ${p.samplesInClass}`}
        display={`${p.sample} / ${p.samplesInClass}`}
        disabled={p.disabled}
        testId={p.testIds[1]}
      />
    </>
  );
}
