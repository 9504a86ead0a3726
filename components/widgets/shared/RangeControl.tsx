'use client';
import { useId, type ReactNode } from 'react';
import styles from './controls.module.css';

/** A labelled slider: <input type=range> with its value shown beside the label and read as aria-valuetext. */
export function RangeControl({
  label,
  value,
  min,
  max,
  step = 1,
  onChange,
  valueText,
  display,
  disabled,
  className,
  testId,
}: {
  label: ReactNode;
  value: number;
  min: number;
  max: number;
  step?: number;
  onChange: (value: number) => void;
  /** What a screen reader says for the value, e.g. "t = 500 of 1000". */
  valueText: string;
  /** What the eye sees beside the label (defaults to the value). */
  display?: ReactNode;
  disabled?: boolean;
  className?: string;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className={`${styles.control} ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      <output htmlFor={id} aria-hidden="true">
        {display ?? value}
      </output>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        disabled={disabled}
        aria-valuetext={valueText}
        data-testid={testId}
        onChange={(e) => onChange(Number(e.currentTarget.value))}
      />
    </div>
  );
}

/** A labelled <select>. */
export function SelectControl<V extends string>({
  label,
  value,
  options,
  onChange,
  disabled,
  className,
  testId,
}: {
  label: ReactNode;
  value: V;
  options: readonly { value: V; label: string }[];
  onChange: (value: V) => void;
  disabled?: boolean;
  className?: string;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className={`${styles.control} ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      <span />
      <select id={id} value={value} disabled={disabled} data-testid={testId} onChange={(e) => onChange(e.currentTarget.value as V)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

const DIGITS = Array.from({ length: 10 }, (_, d) => ({ value: String(d), label: String(d) }));

/** The digit to draw, 0..9, or with `random` also -1: a class drawn from each sample's seed. */
export function ClassSelect({ value, onChange, random = true, testId }: { value: number; onChange: (v: number) => void; random?: boolean; testId: string }) {
  return (
    <SelectControl
      label="Class"
      value={String(value)}
      options={random ? [{ value: '-1', label: 'Random' }, ...DIGITS] : DIGITS}
      onChange={(v) => onChange(Number(v))}
      testId={testId}
    />
  );
}
