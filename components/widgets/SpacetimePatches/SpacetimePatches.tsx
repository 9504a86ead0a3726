'use client';
import { useEffect, useState } from 'react';
import { NumberSelect } from '@/components/widgets/shared/RangeControl';
import { useHydrated } from '@/components/widgets/shared/use-hydrated';
import { frameAttributes } from '../shared/StatusParts';
import controls from '@/components/widgets/shared/controls.module.css';
import type { UrlSpec } from '@/lib/url-settings';
import { useLinkedSettings } from '../shared/use-url-settings';
import { SettingLink } from '../shared/SettingLink';
import styles from './SpacetimePatches.module.css';

/** The latent clip drawn: F frames of SIDE x SIDE positions with C channels. */
const SIDE = 16;
const CHANNELS = 4;
const FRAMES = [1, 2, 4, 8, 16] as const;
const TIME_PATCH = [1, 2, 4] as const;
const SPACE_PATCH = [1, 2, 4, 8] as const;
const FRAME_OPTIONS = FRAMES.map((v) => ({ value: v, label: String(v) }));
const TIME_PATCH_OPTIONS = TIME_PATCH.map((v) => ({ value: v, label: String(v) }));
const SPACE_PATCH_OPTIONS = SPACE_PATCH.map((v) => ({ value: v, label: `${v}×${v}` }));

interface Settings {
  frames: number;
  pt: number;
  p: number;
}

/** The settings a link can carry (?st.frames=8&st.pt=2&st.p=4). */
export const ST_URL: UrlSpec<Settings> = {
  frames: { kind: 'int', label: 'frames', min: 1, max: 16, only: FRAMES },
  pt: { kind: 'int', label: 'frames per patch', min: 1, max: 4, only: TIME_PATCH },
  p: { kind: 'int', label: 'patch size', min: 1, max: 8, only: SPACE_PATCH },
};

/** Tokens of an F x H x W latent cut into pt x p x p patches (chapter 10's formula). */
export function spacetimeTokens(frames: number, pt: number, p: number, side = SIDE): number {
  return Math.ceil(frames / pt) * (side / p) ** 2;
}

// An oblique view: each frame a square sheared to the right and up, later frames further back.
const CELL = 9;
const SHEAR = 0.45;
const DEPTH = 14;
/** A point (x, y) of frame f in the drawing, for a clip of n frames (frame 0 in front, bottom left). */
const pt2 = (x: number, y: number, f: number, n: number) =>
  [4 + x * CELL + y * CELL * SHEAR + f * DEPTH, 6 + (SIDE - y) * CELL * 0.55 + (n - 1 - f) * (DEPTH * 0.6)] as const;

function quad(x0: number, y0: number, x1: number, y1: number, f: number, n: number): string {
  const c = [pt2(x0, y0, f, n), pt2(x1, y0, f, n), pt2(x1, y1, f, n), pt2(x0, y1, f, n)];
  return c.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
}

/**
 * Sora's spacetime patches (chapter 10): a latent clip of F frames cut into blocks of pt frames by
 * p x p positions, one token a block. The drawing shows the frames as stacked sheets with the patch
 * grid, one token lit (Play walks through them); the count is chapter 10's T = F/pt (H/p)(W/p).
 */
export function SpacetimePatches() {
  const hydrated = useHydrated();
  const { settings, update, urlProblems } = useLinkedSettings<Settings>('st', ST_URL, { frames: 8, pt: 2, p: 4 });
  const { frames, pt, p } = settings;
  const [token, setToken] = useState(0);
  const [playing, setPlaying] = useState(false);
  const timePatch = Math.min(pt, frames);
  const tokens = spacetimeTokens(frames, timePatch, p);
  const perFrame = (SIDE / p) ** 2;
  const blocks = Math.ceil(frames / timePatch);
  const current = token % tokens;

  useEffect(() => {
    if (!playing) return;
    const id = setInterval(() => setToken((k) => k + 1), 450);
    return () => clearInterval(id);
  }, [playing]);

  // The lit token: its block of frames and its patch, in time-major, row-major order.
  const tBlock = Math.floor(current / perFrame);
  const within = current % perFrame;
  const row = Math.floor(within / (SIDE / p));
  const col = within % (SIDE / p);
  const width = SIDE * CELL * (1 + SHEAR) + (frames - 1) * DEPTH + 8;
  const height = SIDE * CELL * 0.55 + (frames - 1) * DEPTH * 0.6 + 12;

  return (
    <div {...frameAttributes('spacetime-patches', 'st', styles.root)} data-ready={hydrated} data-tokens={tokens}>
      <div className={controls.controls}>
        <NumberSelect label="Frames F" value={frames} options={FRAME_OPTIONS} onChange={(v) => update({ frames: v })} testId="st-frames" />
        <NumberSelect label="Frames per patch" value={pt} options={TIME_PATCH_OPTIONS} onChange={(v) => update({ pt: v })} testId="st-pt" />
        <NumberSelect label="Patch size p" value={p} options={SPACE_PATCH_OPTIONS} onChange={(v) => update({ p: v })} testId="st-p" />
        <button type="button" className={controls.button} onClick={() => setPlaying((v) => !v)} aria-pressed={playing} data-testid="st-play">
          {playing ? 'Pause' : 'Play through the tokens'}
        </button>
      </div>
      <svg
        className={styles.stack}
        viewBox={`0 0 ${width.toFixed(0)} ${height.toFixed(0)}`}
        role="img"
        aria-label={`${frames} frames of ${SIDE}×${SIDE}, cut into ${tokens} tokens of ${timePatch}×${p}×${p}; token ${current + 1} lit`}
      >
        {Array.from({ length: frames }, (_, i) => frames - 1 - i).map((f) => {
          const lit = Math.floor(f / timePatch) === tBlock;
          return (
            <g key={f} data-frame={f}>
              <polygon points={quad(0, 0, SIDE, SIDE, f, frames)} className={lit ? styles.sheetLit : styles.sheet} />
              {Array.from({ length: SIDE / p - 1 }, (_, k) => (k + 1) * p).map((v) => (
                <g key={v}>
                  <polygon points={quad(v, 0, v, SIDE, f, frames)} className={styles.grid} />
                  <polygon points={quad(0, v, SIDE, v, f, frames)} className={styles.grid} />
                </g>
              ))}
              {lit && <polygon points={quad(col * p, SIDE - (row + 1) * p, (col + 1) * p, SIDE - row * p, f, frames)} className={styles.token} />}
              {f % timePatch === 0 && f > 0 && <polygon points={quad(0, 0, SIDE, SIDE, f - 0.5, frames)} className={styles.cut} />}
            </g>
          );
        })}
      </svg>
      <p className={styles.readout} data-testid="st-readout">
        <strong>T = {tokens.toLocaleString('en')}</strong> tokens = {blocks} {blocks === 1 ? 'block' : 'blocks'} of {timePatch}{' '}
        {timePatch === 1 ? 'frame' : 'frames'} × ({SIDE}/{p})² = {perFrame} patches each; a token holds {timePatch}×{p}×{p}×{CHANNELS} ={' '}
        {timePatch * p * p * CHANNELS} numbers. {frames === 1 ? 'One frame: an image, as in DiT.' : ''}
        {pt > frames ? ` (A block cannot span more frames than the clip has: ${frames} here.)` : ''}
      </p>
      <p className={styles.note}>
        Lit: token {current + 1} of {tokens}, frames {tBlock * timePatch + 1}
        {timePatch > 1 ? `–${Math.min(frames, (tBlock + 1) * timePatch)}` : ''}, patch row {row + 1}, column {col + 1}. Attention cost grows with T²: doubling
        the frames doubles T and quadruples the attention matrices.
      </p>
      <SettingLink prefix="st" spec={ST_URL} settings={settings} problems={urlProblems} />
    </div>
  );
}
