'use client';
import { useEffect } from 'react';

/**
 * Marks the section being read in the "On this page" outline (aria-current="location"), as distill
 * and d2l do: the last heading whose top has passed below the sticky header. Renders nothing; the
 * outline itself stays server-rendered HTML.
 */
export function OutlineSpy() {
  useEffect(() => {
    const links = [...document.querySelectorAll<HTMLAnchorElement>('.outline-list a[href^="#"]')];
    const ids = [...new Set(links.map((a) => decodeURIComponent(a.hash.slice(1))))];
    const headings = ids.map((id) => document.getElementById(id)).filter((h): h is HTMLElement => h !== null);
    if (headings.length === 0) return;
    let frame = 0;
    let current: string | null = null;
    const update = () => {
      frame = 0;
      // Past the sticky header (html's scroll-padding-top is 4.5rem) plus a little reading room.
      const line = 100;
      let active: string | null = null;
      for (const h of headings) {
        if (h.getBoundingClientRect().top <= line) active = h.id;
        else break;
      }
      if (active === current) return;
      current = active;
      for (const a of links) {
        if (active !== null && decodeURIComponent(a.hash.slice(1)) === active) a.setAttribute('aria-current', 'location');
        else a.removeAttribute('aria-current');
      }
    };
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(update);
    };
    update();
    window.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('resize', onScroll, { passive: true });
    return () => {
      window.removeEventListener('scroll', onScroll);
      window.removeEventListener('resize', onScroll);
      if (frame) cancelAnimationFrame(frame);
    };
  }, []);
  return null;
}
