/**
 * Patchify with p = 2 on this book's 8×8×4 latent, as a static SVG (chapter 5, "A worked example on our
 * latent"): the latent grid with its 4 channels drawn as a stack, the 2×2 patches outlined and numbered
 * row by row as Eq. patchify numbers them (patch (i, j) is token i·(I/p) + j), the latent rows and
 * columns each patch covers, and the resulting sequence of T = 16 tokens of p²C = 16 numbers each.
 * Token 6, patch (1, 2), is highlighted in both, since the chapter uses it as its example.
 *
 * A server component: no state, no effects. One layout function draws a wide drawing (grid beside the
 * sequence) and a narrow one for phones (sequence under the grid), switched by CSS.
 */
import styles from './PatchGrid.module.css';
import { Arrow, Markers, V, parts } from './svg-parts';

/** The latent side I, channels C and patch size p of the figure (DiT-mini-B/2 on MNIST latents). */
export const LATENT_SIDE = 8;
export const CHANNELS = 4;
export const PATCH = 2;
/** Patches per side, g = I/p, and tokens, T = g². */
export const GRID = LATENT_SIDE / PATCH;
export const TOKENS = GRID * GRID;
/** The chapter's example token and its patch. */
export const EXAMPLE_TOKEN = 6;

/** Eq. patchify numbers the patches row by row: patch (i, j) is token i·g + j. */
export function tokenIndex(i: number, j: number): number {
  return i * GRID + j;
}

/** "rows 2–3": the latent rows (or columns) ip to ip + p − 1 that patch-row (or column) i covers. */
export function span(i: number): string {
  return `${i * PATCH}–${i * PATCH + PATCH - 1}`;
}

const EX_I = Math.floor(EXAMPLE_TOKEN / GRID);
const EX_J = EXAMPLE_TOKEN % GRID;

export const PATCH_TITLE = 'Patchify with p = 2 on our 8×8×4 latent';
export const PATCH_DESC =
  `The latent is a grid of ${LATENT_SIDE}×${LATENT_SIDE} positions with ${CHANNELS} channels, drawn as a stack of ${CHANNELS} grids. ` +
  `With patch size p = ${PATCH} it is cut into a ${GRID}×${GRID} grid of patches, each covering ${PATCH}×${PATCH} positions in all ${CHANNELS} channels, so ${PATCH * PATCH * CHANNELS} numbers. ` +
  `The patches are numbered row by row from 0 to ${TOKENS - 1}: patch-row i covers latent rows 2i and 2i + 1, patch-column j covers latent columns 2j and 2j + 1, and patch (i, j) is token ${GRID}i + j. ` +
  `Row 0 of patches (latent rows 0–1) holds tokens 0 to 3, row 1 (rows 2–3) tokens 4 to 7, row 2 (rows 4–5) tokens 8 to 11, row 3 (rows 6–7) tokens 12 to 15. ` +
  `Highlighted: token ${EXAMPLE_TOKEN}, patch (i, j) = (${EX_I}, ${EX_J}), latent rows ${span(EX_I).replace('–', ' and ')}, columns ${span(EX_J).replace('–', ' and ')}. ` +
  `Patchify lists the patches as a sequence of T = ${TOKENS} tokens, each a vector of ${PATCH}·${PATCH}·${CHANNELS} = ${PATCH * PATCH * CHANNELS} numbers, grouped channel by channel; token ${EXAMPLE_TOKEN} is highlighted there too.`;

type Geometry = {
  id: string;
  kind: 'wide' | 'tall';
  w: number;
  h: number;
  /** latent grid: top-left corner and cell size; the channel layers sit behind, down and right */
  gx: number;
  gy: number;
  cell: number;
  layerStep: number;
  /** patchify arrow */
  arrow: string;
  arrowLabel: { x: number; y: number; anchor: 'start' | 'middle' | 'end' };
  /** token sequence: left of the first token, top of the cells, token width and step, cell height */
  sx: number;
  sy: number;
  tokW: number;
  tokStep: number;
  numH: number;
  seqTitleY: number;
  /** the "× 4 channels" label by the stack, and the caption lines under the grid and under the sequence */
  chanLabel: { x: number; y: number; anchor: 'start' | 'end' };
  gridNote: { x: number; y: number };
  /** the notes under the sequence */
  seqNotes: { x: number; y: number; anchor: 'start' | 'middle' };
};

const WIDE: Geometry = {
  id: 'patchgrid-w',
  kind: 'wide',
  w: 720,
  h: 318,
  gx: 70,
  gy: 46,
  cell: 28,
  layerStep: 6,
  arrow: 'M320 158 L366 158',
  arrowLabel: { x: 343, y: 148, anchor: 'middle' },
  sx: 410,
  sy: 110,
  tokW: 15.5,
  tokStep: 19,
  numH: 6.5,
  seqTitleY: 76,
  chanLabel: { x: 316, y: 286, anchor: 'start' },
  gridNote: { x: 182, y: 310 },
  seqNotes: { x: 410, y: 250, anchor: 'start' },
};

const TALL: Geometry = {
  id: 'patchgrid-t',
  kind: 'tall',
  w: 340,
  h: 590,
  gx: 66,
  gy: 44,
  cell: 30,
  layerStep: 5,
  arrow: 'M170 340 L170 368',
  arrowLabel: { x: 180, y: 352, anchor: 'start' },
  sx: 34,
  sy: 416,
  tokW: 15.5,
  tokStep: 19,
  numH: 6,
  seqTitleY: 392,
  chanLabel: { x: 321, y: 314, anchor: 'end' },
  gridNote: { x: 170, y: 330 },
  seqNotes: { x: 170, y: 540, anchor: 'middle' },
};

/** Height of one token column: 16 cells in 4 channel groups with small gaps between groups. */
const GROUP_GAP = 3;
function numberY(g: Geometry, k: number): number {
  const group = Math.floor(k / (PATCH * PATCH));
  return g.sy + k * g.numH + group * GROUP_GAP;
}

function Drawing({ g }: { g: Geometry }) {
  const { id, gx, gy, cell } = g;
  const side = LATENT_SIDE * cell;
  const pw = PATCH * cell;
  const seqH = numberY(g, PATCH * PATCH * CHANNELS - 1) + g.numH - g.sy;
  const tokX = (t: number) => g.sx + t * g.tokStep;
  const patches = Array.from({ length: GRID }, (_, i) => Array.from({ length: GRID }, (_, j) => ({ i, j }))).flat();
  return (
    <svg
      viewBox={`0 0 ${g.w} ${g.h}`}
      className={`${parts.svg} ${parts[g.kind]} ${styles[g.kind] ?? ''}`}
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
    >
      <title id={`${id}-title`}>{PATCH_TITLE}</title>
      <desc id={`${id}-desc`}>{PATCH_DESC}</desc>
      <Markers id={id} kinds={['flow']} />

      {/* the channels behind the front grid (channel 0 in front) */}
      {Array.from({ length: CHANNELS - 1 }, (_, k) => CHANNELS - 1 - k).map((k) => (
        <rect key={k} x={gx + k * g.layerStep} y={gy + k * g.layerStep} width={side} height={side} className={styles.layer} />
      ))}
      <text x={g.chanLabel.x} y={g.chanLabel.y} textAnchor={g.chanLabel.anchor} className={parts.sub}>
        × {CHANNELS} channels
      </text>

      {/* the front grid: latent positions, then patches */}
      <rect x={gx} y={gy} width={side} height={side} className={styles.front} />
      {patches.map(({ i, j }) =>
        tokenIndex(i, j) === EXAMPLE_TOKEN ? <rect key="hl" x={gx + j * pw} y={gy + i * pw} width={pw} height={pw} className={styles.highlight} /> : null,
      )}
      {Array.from({ length: LATENT_SIDE - 1 }, (_, k) => k + 1).map((k) => (
        <g key={k}>
          <line x1={gx + k * cell} y1={gy} x2={gx + k * cell} y2={gy + side} className={k % PATCH === 0 ? styles.patchLine : styles.cellLine} />
          <line x1={gx} y1={gy + k * cell} x2={gx + side} y2={gy + k * cell} className={k % PATCH === 0 ? styles.patchLine : styles.cellLine} />
        </g>
      ))}
      <rect x={gx} y={gy} width={side} height={side} className={styles.outline} />
      <rect x={gx + EX_J * pw} y={gy + EX_I * pw} width={pw} height={pw} className={styles.hlOutline} data-highlight="patch" />
      {patches.map(({ i, j }) => {
        const t = tokenIndex(i, j);
        return (
          <text
            key={t}
            x={gx + (j + 0.5) * pw}
            y={gy + (i + 0.5) * pw + 6}
            textAnchor="middle"
            className={`${styles.patchNum} ${t === EXAMPLE_TOKEN ? styles.hlText : ''}`}
            data-kind="patch-number"
          >
            {t}
          </text>
        );
      })}

      {/* which latent rows and columns each patch covers */}
      {Array.from({ length: GRID }, (_, i) => (
        <g key={i}>
          <text x={gx - 8} y={gy + (i + 0.5) * pw - 1} textAnchor="end" className={`${styles.axis} ${i === EX_I ? styles.hlText : ''}`} data-kind="rows">
            rows {span(i)}
          </text>
          <text x={gx - 8} y={gy + (i + 0.5) * pw + 13} textAnchor="end" className={styles.axisSub}>
            <V n="i" /> = {i}
          </text>
          <text x={gx + (i + 0.5) * pw} y={gy - 21} textAnchor="middle" className={`${styles.axis} ${i === EX_J ? styles.hlText : ''}`} data-kind="cols">
            cols {span(i)}
          </text>
          <text x={gx + (i + 0.5) * pw} y={gy - 7} textAnchor="middle" className={styles.axisSub}>
            <V n="j" /> = {i}
          </text>
        </g>
      ))}
      <text x={g.gridNote.x} y={g.gridNote.y} textAnchor="middle" className={parts.sub}>
        each patch: {PATCH}×{PATCH} positions × {CHANNELS} channels = {PATCH * PATCH * CHANNELS} numbers
      </text>

      {/* patchify */}
      <Arrow d={g.arrow} id={id} />
      <text x={g.arrowLabel.x} y={g.arrowLabel.y} textAnchor={g.arrowLabel.anchor} className={parts.edge}>
        patchify
      </text>
      <text x={g.arrowLabel.x} y={g.arrowLabel.y + (g.kind === 'wide' ? 26 : 13)} textAnchor={g.arrowLabel.anchor} className={parts.edgeSub}>
        <V n="p" /> = {PATCH}
        {g.kind === 'tall' ? ', row by row' : null}
      </text>

      {/* the sequence: T tokens, each a column of p²C numbers grouped by channel */}
      <text x={g.sx} y={g.seqTitleY} className={parts.label}>
        sequence of <V n="T" /> = {TOKENS} tokens
      </text>
      {Array.from({ length: CHANNELS }, (_, c) => (
        <text key={c} x={g.sx - 5} y={numberY(g, c * PATCH * PATCH) + 2 * g.numH + 3.5} textAnchor="end" className={styles.chLabel}>
          ch {c}
        </text>
      ))}
      {Array.from({ length: TOKENS }, (_, t) => {
        const hl = t === EXAMPLE_TOKEN;
        return (
          <g key={t} data-kind="token" data-token={t} data-highlight={hl ? 'token' : undefined}>
            <text x={tokX(t) + g.tokW / 2} y={g.sy - 6} textAnchor="middle" className={`${styles.tokNum} ${hl ? styles.hlText : ''}`}>
              {t}
            </text>
            {Array.from({ length: PATCH * PATCH * CHANNELS }, (_, k) => (
              <rect key={k} x={tokX(t)} y={numberY(g, k)} width={g.tokW} height={g.numH - 1} className={hl ? styles.hlNum : styles.num} />
            ))}
            {hl ? <rect x={tokX(t) - 2} y={g.sy - 2} width={g.tokW + 4} height={seqH + 3} rx={3} className={styles.hlFrame} /> : null}
          </g>
        );
      })}
      {(
        [
          [
            <>
              each token: {PATCH}·{PATCH}·{CHANNELS} = {PATCH * PATCH * CHANNELS} numbers,
            </>,
            parts.sub,
          ],
          [<>listed channel by channel</>, parts.sub],
          [
            <>
              token {EXAMPLE_TOKEN} = patch (<V n="i" />, <V n="j" />) = ({EX_I}, {EX_J}):
            </>,
            styles.hlNote,
          ],
          [
            <>
              rows {span(EX_I)}, cols {span(EX_J)}
            </>,
            styles.hlNote,
          ],
        ] as const
      ).map(([line, cls], k) => (
        <text key={k} x={g.seqNotes.x} y={g.seqNotes.y + k * 15} textAnchor={g.seqNotes.anchor} className={cls}>
          {line}
        </text>
      ))}
    </svg>
  );
}

export function PatchGrid() {
  return (
    <div className={parts.figure}>
      <Drawing g={WIDE} />
      <Drawing g={TALL} />
    </div>
  );
}
