'use client';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { decodeDigits, indicesOfClass, PADDED_SIZE, writePadded32, type DigitSet } from '@/lib/data/mnist';

/** 240 MNIST test digits (24 per class), built by scripts/build-assets.ts from the mnist package. */
export const DIGITS_URL = '/data/mnist-test-sample.bin';

export type DigitsState = { status: 'loading' } | { status: 'ready'; digits: DigitSet } | { status: 'error'; message: string };

// One request per page, shared by every widget that shows digits.
let pending: Promise<DigitSet> | null = null;

async function fetchDigits(url: string): Promise<DigitSet> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText}`.trim());
  return decodeDigits(await response.arrayBuffer());
}

export function loadDigits(url = DIGITS_URL): Promise<DigitSet> {
  if (!pending) {
    pending = fetchDigits(url).catch((error: unknown) => {
      pending = null; // a later mount may try again
      throw error;
    });
  }
  return pending;
}

export function useDigits(): DigitsState {
  const [state, setState] = useState<DigitsState>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    loadDigits().then(
      (digits) => live && setState({ status: 'ready', digits }),
      (error: unknown) => live && setState({ status: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}

export interface PickedDigit {
  /** How many test digits the class has (at least 1, so a slider always has a range). */
  samplesInClass: number;
  /** The digit's index in the set, -1 while the digits load or the class is empty. */
  digitIndex: number;
  /** The digit padded to 32x32 in [-1, 1], or null while none is picked. */
  pixels: Float32Array | null;
}

/** The `sample`-th (1-based) test digit of `digitClass`, as the widgets with a digit and a sample slider pick it. */
export function usePickedDigit(digits: DigitsState, digitClass: number, sample: number): PickedDigit {
  const set = digits.status === 'ready' ? digits.digits : null;
  const classIndices = useMemo(() => (set ? indicesOfClass(set, digitClass) : []), [set, digitClass]);
  const digitIndex = classIndices.length > 0 ? classIndices[Math.min(sample, classIndices.length) - 1] : -1;
  const pixels = useMemo(() => {
    if (!set || digitIndex < 0) return null;
    const out = new Float32Array(PADDED_SIZE * PADDED_SIZE);
    writePadded32(set, digitIndex, out);
    return out;
  }, [set, digitIndex]);
  return { samplesInClass: Math.max(1, classIndices.length), digitIndex, pixels };
}

/**
 * The digit a widget starts from, chosen by class and by sample within the class (picking a class
 * starts at its first sample). `picker` is what <DigitPicker> takes; `apply` sets both from a link.
 */
export function useDigitChoice(digits: DigitsState) {
  const [digitClass, setClassRaw] = useState(3);
  const [sample, setSample] = useState(1);
  const picked = usePickedDigit(digits, digitClass, sample);
  const setDigitClass = useCallback((c: number) => {
    setClassRaw(c);
    setSample(1);
  }, []);
  const apply = useCallback((p: { digitClass?: number; sample?: number }) => {
    if (p.digitClass !== undefined) setClassRaw(p.digitClass);
    if (p.sample !== undefined) setSample(p.sample);
  }, []);
  const picker = { digitClass, sample, samplesInClass: picked.samplesInClass, onClass: setDigitClass, onSample: setSample };
  return { ...picked, digitClass, sample, setDigitClass, setSample, apply, picker };
}
