/**
 * What the widgets on a page report about their current setting, for the exercises that check a
 * setting ("move t to ..."). A widget publishes under its data-widget name; an exercise reads the
 * latest report when the student asks it to check. One page, one store; nothing is kept.
 */
import type { WidgetState } from './types';

const latest = new Map<string, WidgetState>();

export function publishWidgetState(widget: string, state: WidgetState): void {
  latest.set(widget, state);
}

export function readWidgetState(widget: string): WidgetState | null {
  return latest.get(widget) ?? null;
}
