/**
 * One adaLN-Zero block as a static SVG (chapter 6, under Eq. adaln-zero), after the right panel of
 * Figure 3 of Peebles & Xie ("DiT Block with adaLN-Zero") in this book's notation: the conditioning
 * vector c goes through SiLU and one Linear(D -> 6D) whose W and b start at zero; its six chunks, in the
 * order of the official adaLN_modulation layer (β1, γ1, α1, β2, γ2, α2), feed the two modulate nodes
 * and the two gates of the residual stream x -> LN -> modulate -> Attn -> α1 ⊙ -> + -> LN -> modulate
 * -> MLP -> α2 ⊙ -> + -> x'. It reads top to bottom like the equation (the paper draws it bottom to top).
 *
 * A server component: no state, no effects. One layout function draws both a wide drawing and a narrow
 * one for phones from two geometries, switched by CSS (a display:none SVG leaves the accessibility
 * tree, so a screen reader meets exactly one of them).
 */
import type { ReactNode } from 'react';
import styles from './AdaLNZeroBlock.module.css';
import { Arrow, Box, Lines, Markers, Plus, V, parts } from './svg-parts';

export const ADALN_TITLE = 'One adaLN-Zero block';
export const ADALN_DESC =
  'The conditioning vector c = t_emb + y_emb goes through SiLU and one linear layer from D to 6D, with weight W and bias b that start at zero. ' +
  'Its output is cut into six vectors of width D, in this order: β1 (shift), γ1 (scale), α1 (gate) for the attention branch and β2, γ2, α2 for the MLP branch. ' +
  'The tokens x, T × D (16 × 128 in DiT-mini-B/2), flow down the residual stream. Attention branch: layer norm LN, then modulate with β1 and γ1 (multiply by 1 + γ1, add β1) giving h1, ' +
  'then multi-head self-attention Attn, then the gate: multiply by α1; the result is added to x through the residual connection. ' +
  'MLP branch: layer norm, modulate with β2 and γ2 giving h2, the pointwise feedforward MLP, multiply by α2, and add to x again, giving the block output x′. ' +
  'At initialisation W = 0 and b = 0, so every β, γ and α is zero for every c: both branches are multiplied by zero and the block outputs x′ = x, the identity.';

/** The six chunks of W SiLU(c) + b, in the order of the official adaLN_modulation layer. */
export const CHUNKS = [
  { n: 'β', sub: '1', role: 'shift' },
  { n: 'γ', sub: '1', role: 'scale' },
  { n: 'α', sub: '1', role: 'gate' },
  { n: 'β', sub: '2', role: 'shift' },
  { n: 'γ', sub: '2', role: 'scale' },
  { n: 'α', sub: '2', role: 'gate' },
] as const;

/** Where things go in one drawing. Main-column ys are box tops; `add*` are circle centres. */
type Geometry = {
  id: string;
  kind: 'wide' | 'tall';
  w: number;
  h: number;
  /** main column: centre and node width; residual line; branch panels */
  cx: number;
  nodeW: number;
  resX: number;
  panelX: number;
  panelW: number;
  branchLabels: boolean;
  /** main column, top to bottom */
  inY: number;
  dot1: number;
  ln1: number;
  mod1: number;
  attn: number;
  gate1: number;
  add1: number;
  dot2: number;
  ln2: number;
  mod2: number;
  mlp: number;
  gate2: number;
  add2: number;
  outY: number;
  /** conditioning: c label, SiLU box, Linear box, chunk row */
  c: { x: number; y: number; anchor: 'start' | 'middle' };
  /** the letter c at the start of the conditioning arrow, where the arrow is horizontal */
  cLetter?: { x: number; y: number };
  silu: { x: number; y: number; w: number; h: number };
  linear: { x: number; y: number; w: number; h: number };
  condArrows: string[];
  chunkX0: number;
  chunkStep: number;
  chunkW: number;
  chunkY: number;
  chunkH: number;
  chunkRoles: boolean;
  attnSub: string;
  note: { x: number; y: number; w: number; lines: ReactNode[] };
};

const NODE_H = 36;
const LN_H = 26;
const R = 11;

/** The main column's heights from the first modulation down, spaced the same in both drawings. */
function mainColumn(mod1: number) {
  const at = { mod1: 0, attn: 52, gate1: 104, add1: 164, dot2: 188, ln2: 200, mod2: 242, mlp: 294, gate2: 346, add2: 406, outY: 440 };
  return Object.fromEntries(Object.entries(at).map(([k, dy]) => [k, mod1 + dy])) as Record<keyof typeof at, number>;
}

/** The note on initialisation, in both drawings. */
const INIT_NOTE: ReactNode[] = [
  <>
    At init <V n="W" /> = 0, <V n="b" /> = 0, so every <V n="β" />, <V n="γ" />, <V n="α" /> is 0:
  </>,
  <>
    both branches are multiplied by 0 and <V n="x" />′ = <V n="x" />.
  </>,
];

const WIDE: Geometry = {
  id: 'adaln-w',
  kind: 'wide',
  w: 720,
  h: 570,
  cx: 250,
  nodeW: 200,
  resX: 66,
  panelX: 96,
  panelW: 268,
  branchLabels: true,
  inY: 22,
  dot1: 60,
  ln1: 76,
  ...mainColumn(118),
  c: { x: 380, y: 16, anchor: 'start' },
  cLetter: { x: 382, y: 50 },
  silu: { x: 410, y: 28, w: 58, h: 34 },
  linear: { x: 494, y: 22, w: 220, h: 40 },
  condArrows: ['M394 45 L408 45', 'M468 45 L492 45'],
  chunkX0: 496,
  chunkStep: 36,
  chunkW: 34,
  chunkY: 70,
  chunkH: 34,
  chunkRoles: true,
  attnSub: 'multi-head self-attention',
  note: {
    x: 384,
    y: 502,
    w: 330,
    lines: INIT_NOTE,
  },
};

const TALL: Geometry = {
  id: 'adaln-t',
  kind: 'tall',
  w: 340,
  h: 652,
  cx: 102,
  nodeW: 152,
  resX: 14,
  panelX: 21,
  panelW: 162,
  branchLabels: false,
  inY: 16,
  dot1: 72,
  ln1: 104,
  ...mainColumn(148),
  c: { x: 262, y: 14, anchor: 'middle' },
  silu: { x: 232, y: 36, w: 60, h: 26 },
  linear: { x: 196, y: 74, w: 142, h: 40 },
  condArrows: ['M262 22 L262 34', 'M262 62 L262 72'],
  chunkX0: 197,
  chunkStep: 23.6,
  chunkW: 22,
  chunkY: 118,
  chunkH: 22,
  chunkRoles: false,
  attnSub: 'multi-head attention',
  note: {
    x: 8,
    y: 604,
    w: 324,
    lines: INIT_NOTE,
  },
};

/** A box of the main column with a label and an optional quieter line under it. */
function Node({
  g,
  name,
  y,
  h = NODE_H,
  kind,
  label,
  sub,
}: {
  g: Geometry;
  name: string;
  y: number;
  h?: number;
  kind: 'plain' | 'block' | 'cond';
  label: ReactNode;
  sub?: ReactNode;
}) {
  const x = g.cx - g.nodeW / 2;
  return (
    <g data-node={name}>
      <Box x={x} y={y} w={g.nodeW} h={h} kind={kind} />
      {sub ? <Lines x={g.cx} y={y + 16} lines={[label, sub]} size="small" /> : <Lines x={g.cx} y={y + h / 2 + 4.5} lines={[label]} />}
    </g>
  );
}

/**
 * One residual branch of the block, k = 1 (attention) or 2 (MLP), top to bottom: LN, modulate with
 * beta_k and gamma_k, the layer, the gate alpha_k, and the sum with the residual.
 */
function Branch({
  g,
  k,
  ys,
  layer,
}: {
  g: Geometry;
  k: 1 | 2;
  ys: { ln: number; mod: number; layer: number; gate: number; add: number };
  layer: { name: string; label: string; sub: ReactNode };
}) {
  const { id, cx } = g;
  const down = (y1: number, y2: number) => `M${cx} ${y1} L${cx} ${y2}`;
  const n = String(k);
  return (
    <>
      <Node g={g} name={`ln${k}`} y={ys.ln} h={LN_H} kind="plain" label="LN" />
      <Arrow d={down(ys.ln + LN_H, ys.mod)} id={id} />
      <Node
        g={g}
        name={`mod${k}`}
        y={ys.mod}
        kind="cond"
        label={
          <>
            modulate(·; <V n="β" sub={n} />, <V n="γ" sub={n} />)
          </>
        }
        sub={
          <>
            ⊙ (1 + <V n="γ" sub={n} />) + <V n="β" sub={n} />
          </>
        }
      />
      <Arrow d={down(ys.mod + NODE_H, ys.layer)} id={id} />
      <text x={cx + 7} y={ys.layer - 4} className={styles.h}>
        <V n="h" sub={n} />
      </text>
      <Node g={g} name={layer.name} y={ys.layer} kind="block" label={layer.label} sub={layer.sub} />
      <Arrow d={down(ys.layer + NODE_H, ys.gate)} id={id} />
      <Node
        g={g}
        name={`gate${k}`}
        y={ys.gate}
        kind="cond"
        label={
          <>
            <V n="α" sub={n} /> ⊙ ·
          </>
        }
        sub="gate, 0 at init"
      />
      <Arrow d={down(ys.gate + NODE_H, ys.add - R)} id={id} />
      <g data-node={`add${k}`}>
        <Plus cx={cx} cy={ys.add} r={R} />
      </g>
    </>
  );
}

function Drawing({ g }: { g: Geometry }) {
  const { id, cx } = g;
  const right = cx + g.nodeW / 2;
  const down = (y1: number, y2: number) => `M${cx} ${y1} L${cx} ${y2}`;
  // Where each chunk's arrow enters the main column: β and γ on the modulate node, α on the gate.
  const enter = [g.mod1 + 11, g.mod1 + 25, g.gate1 + NODE_H / 2, g.mod2 + 11, g.mod2 + 25, g.gate2 + NODE_H / 2];
  const chunkCx = (k: number) => g.chunkX0 + k * g.chunkStep + g.chunkW / 2;
  const residual = (from: number, to: number) => `M${cx} ${from} L${g.resX} ${from} L${g.resX} ${to} L${cx - R} ${to}`;
  return (
    <svg viewBox={`0 0 ${g.w} ${g.h}`} className={`${parts.svg} ${parts[g.kind]} ${styles[g.kind]}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
      <title id={`${id}-title`}>{ADALN_TITLE}</title>
      <desc id={`${id}-desc`}>{ADALN_DESC}</desc>
      <Markers id={id} kinds={['flow', 'cond']} />

      {/* the two branches */}
      <rect x={g.panelX} y={g.ln1 - 8} width={g.panelW} height={g.gate1 + NODE_H + 8 - (g.ln1 - 8)} rx={8} className={styles.panel} />
      <rect x={g.panelX} y={g.ln2 - 8} width={g.panelW} height={g.gate2 + NODE_H + 8 - (g.ln2 - 8)} rx={8} className={styles.panel} />
      {g.branchLabels ? (
        <>
          <text transform={`translate(${g.panelX + 16} ${(g.ln1 + g.gate1 + NODE_H) / 2}) rotate(-90)`} textAnchor="middle" className={styles.branchLabel}>
            attention branch
          </text>
          <text transform={`translate(${g.panelX + 16} ${(g.ln2 + g.gate2 + NODE_H) / 2}) rotate(-90)`} textAnchor="middle" className={styles.branchLabel}>
            MLP branch
          </text>
        </>
      ) : null}

      {/* input */}
      <text x={cx} y={g.inY} textAnchor="middle" className={parts.label}>
        tokens <V n="x" />
      </text>
      <text x={cx} y={g.inY + 15} textAnchor="middle" className={parts.sub}>
        <V n="T" /> × <V n="D" /> (16 × 128)
      </text>
      <Arrow d={down(g.inY + 22, g.ln1)} id={id} />

      {/* attention branch */}
      <Branch g={g} k={1} ys={{ ln: g.ln1, mod: g.mod1, layer: g.attn, gate: g.gate1, add: g.add1 }} layer={{ name: 'attn', label: 'Attn', sub: g.attnSub }} />

      {/* MLP branch */}
      <Arrow d={down(g.add1 + R, g.ln2)} id={id} />
      <Branch
        g={g}
        k={2}
        ys={{ ln: g.ln2, mod: g.mod2, layer: g.mlp, gate: g.gate2, add: g.add2 }}
        layer={{ name: 'mlp', label: 'MLP', sub: 'pointwise feedforward' }}
      />

      {/* output */}
      <Arrow d={down(g.add2 + R, g.outY - 15)} id={id} />
      <text x={cx} y={g.outY} textAnchor="middle" className={parts.label}>
        <V n="x" />′ (<V n="T" /> × <V n="D" />)
      </text>

      {/* residual connections: each branch's output is added to what came in */}
      <Arrow d={residual(g.dot1, g.add1)} id={id} />
      <Arrow d={residual(g.dot2, g.add2)} id={id} />
      <circle cx={cx} cy={g.dot1} r={3} className={styles.dot} />
      <circle cx={cx} cy={g.dot2} r={3} className={styles.dot} />
      <text transform={`translate(${g.resX - 5} ${(g.dot1 + g.add1) / 2}) rotate(-90)`} textAnchor="middle" className={styles.resLabel}>
        residual
      </text>
      <text transform={`translate(${g.resX - 5} ${(g.dot2 + g.add2) / 2}) rotate(-90)`} textAnchor="middle" className={styles.resLabel}>
        residual
      </text>

      {/* conditioning: c -> SiLU -> Linear(D -> 6D), W and b zero at init */}
      <text x={g.c.x} y={g.c.y} textAnchor={g.c.anchor} className={parts.sub}>
        <tspan className={styles.cLetter}>
          <V n="c" />
        </tspan>{' '}
        = <V n="t" sub="emb" /> + <V n="y" sub="emb" />
      </text>
      {g.cLetter ? (
        <text x={g.cLetter.x} y={g.cLetter.y} className={styles.cLetter}>
          <V n="c" />
        </text>
      ) : null}
      {g.condArrows.map((d, i) => (
        <Arrow key={i} d={d} id={id} kind="cond" />
      ))}
      <Box x={g.silu.x} y={g.silu.y} w={g.silu.w} h={g.silu.h} kind="cond" />
      <text x={g.silu.x + g.silu.w / 2} y={g.silu.y + g.silu.h / 2 + 4.5} textAnchor="middle" className={parts.label}>
        SiLU
      </text>
      <Box x={g.linear.x} y={g.linear.y} w={g.linear.w} h={g.linear.h} kind="cond" className={styles.zeroBox} />
      <text x={g.linear.x + g.linear.w / 2} y={g.linear.y + 16} textAnchor="middle" className={parts.label}>
        Linear(
        <V n="D" /> → 6<V n="D" />)
      </text>
      <text x={g.linear.x + g.linear.w / 2} y={g.linear.y + 32} textAnchor="middle" className={styles.zero}>
        <V n="W" /> = 0, <V n="b" /> = 0 at init
      </text>

      {/* the six chunks, and each one's way to the node it steers (a staircase: no two lines cross) */}
      {CHUNKS.map((ch, k) => {
        const x = g.chunkX0 + k * g.chunkStep;
        const vx = chunkCx(k);
        return (
          <g key={k} data-chunk={`${ch.n}${ch.sub}`}>
            <rect x={x} y={g.chunkY} width={g.chunkW} height={g.chunkH} rx={3} className={`${styles.chunk} ${k < 3 ? styles.chunkAttn : styles.chunkMlp}`} />
            <text x={vx} y={g.chunkY + (g.chunkRoles ? 15 : 15.5)} textAnchor="middle" className={styles.chunkName}>
              <V n={ch.n} sub={ch.sub} />
            </text>
            {g.chunkRoles ? (
              <text x={vx} y={g.chunkY + 28} textAnchor="middle" className={styles.chunkRole}>
                {ch.role}
              </text>
            ) : null}
            <Arrow d={`M${vx} ${g.chunkY + g.chunkH} L${vx} ${enter[k]} L${right} ${enter[k]}`} id={id} kind="cond" />
          </g>
        );
      })}

      {/* what the zeros do */}
      <rect x={g.note.x} y={g.note.y} width={g.note.w} height={g.note.lines.length * 16 + 12} rx={6} className={styles.note} />
      {g.note.lines.map((line, i) => (
        <text key={i} x={g.note.x + 10} y={g.note.y + 19 + i * 16} className={styles.noteText}>
          {line}
        </text>
      ))}
    </svg>
  );
}

export function AdaLNZeroBlock() {
  return (
    <div className={parts.figure}>
      <Drawing g={WIDE} />
      <Drawing g={TALL} />
    </div>
  );
}
