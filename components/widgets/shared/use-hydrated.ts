'use client';
import { useEffect, useState } from 'react';

/** false in the server HTML and the first client render, true once React has hydrated the widget. */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}
