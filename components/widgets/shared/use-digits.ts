'use client';
import { useEffect, useState } from 'react';
import { decodeDigits, type DigitSet } from '@/lib/data/mnist';

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
