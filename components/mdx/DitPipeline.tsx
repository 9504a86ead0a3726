/**
 * The DiT pipeline end to end as one static SVG (chapter 1, "The pipeline in one picture"): pixels ->
 * VAE encoder -> latent -> the denoising loop -> VAE decoder -> pixels, and inside the loop the DiT
 * itself as in Figure 3 of Peebles & Xie: noisy latent -> patchify -> + position embeddings -> N DiT
 * blocks conditioned on t and y through adaLN-Zero -> layer norm + linear -> unpatchify -> noise and
 * covariance. Shapes are this book's model (DiT-mini-B/2), with the paper's in brackets.
 *
 * A server component: no state, no effects, no tfjs. Two drawings of the same content, a wide one and
 * a tall one for phones, switched by CSS (a display:none SVG leaves the accessibility tree, so a screen
 * reader meets exactly one of them).
 */
import type { ReactNode } from 'react';
import styles from './DitPipeline.module.css';
import { Arrow, Box, Lines, Markers, V, parts } from './svg-parts';

/** The pipeline in words: the accessible description of both drawings. */
export const PIPELINE_TITLE = 'The DiT pipeline, end to end';
export const PIPELINE_DESC =
  'In pixel space, an image of 32×32×1 (the paper: 256×256×3) is encoded by the VAE encoder, times a scale factor, into a latent z_0 of 8×8×4 (the paper: 32×32×4); ' +
  'this path is used for training, where noise is added at a random step t. ' +
  'Sampling starts from noise z_T drawn from N(0, I) and repeats the denoising loop for t = T, …, 1. ' +
  'One pass of the loop: the noisy latent z_t of 8×8×4 is cut by patchify (p = 2) into T = 16 tokens (the paper: 256); position embeddings are added; ' +
  'N DiT blocks (6 here, 28 in DiT-XL) process the tokens, each conditioned on the timestep t and the class label y through adaLN-Zero; ' +
  'a final layer norm and linear layer turn every token back into a patch, and unpatchify puts the patches back into a grid: ' +
  'the predicted noise, 8×8×4, and the covariance Σ, 8×8×4. A sampler step uses them to go from z_t to z_(t−1). ' +
  'After the last step the clean latent z_0 is divided by the scale factor and decoded by the VAE decoder into a picture of 32×32×1.';

/** The two labels of an edge: its name above the arrow (y[0]) and a detail below it (y[1]). */
function EdgeLabels({ x, y, top, bottom }: { x: number; y: [number, number]; top: ReactNode; bottom: ReactNode }) {
  return (
    <>
      <text x={x} y={y[0]} textAnchor="middle" className={parts.edge}>
        {top}
      </text>
      <text x={x} y={y[1]} textAnchor="middle" className={parts.edgeSub}>
        {bottom}
      </text>
    </>
  );
}

/** A latent drawn as four stacked 8×8 channel grids (the 4 of 8×8×4). */
function LatentStack({ x, y, s = 30, kind = 'latent' }: { x: number; y: number; s?: number; kind?: 'latent' | 'noise' | 'sigma' }) {
  const cell = s / 8;
  const layers = [3, 2, 1, 0];
  return (
    <g aria-hidden="true">
      {layers.map((k) => {
        const ox = x + k * 4;
        const oy = y - k * 4;
        return (
          <g key={k}>
            <rect x={ox} y={oy} width={s} height={s} className={`${styles.grid} ${styles[kind]}`} />
            {k === 0
              ? Array.from({ length: 7 }, (_, i) => (
                  <g key={i}>
                    <line x1={ox + (i + 1) * cell} y1={oy} x2={ox + (i + 1) * cell} y2={oy + s} className={styles.gridLine} />
                    <line x1={ox} y1={oy + (i + 1) * cell} x2={ox + s} y2={oy + (i + 1) * cell} className={styles.gridLine} />
                  </g>
                ))
              : null}
          </g>
        );
      })}
    </g>
  );
}

/** The 16 tokens as a 2×8 strip of squares. */
function Tokens({ x, y, cell = 8 }: { x: number; y: number; cell?: number }) {
  return (
    <g aria-hidden="true">
      {Array.from({ length: 16 }, (_, i) => (
        <rect key={i} x={x + (i % 8) * (cell + 2)} y={y + Math.floor(i / 8) * (cell + 2)} width={cell} height={cell} rx={1.5} className={styles.token} />
      ))}
    </g>
  );
}

/** A small picture: a 32×32 frame with a handwritten-looking 3 in it. */
function Digit({ x, y, s = 34 }: { x: number; y: number; s?: number }) {
  const k = s / 34;
  return (
    <g aria-hidden="true" transform={`translate(${x} ${y}) scale(${k})`}>
      <rect x={0} y={0} width={34} height={34} className={styles.picture} />
      <path d="M11 9 C16 5 25 7 23 13 C21 17 16 17 15 17 C20 17 25 19 24 24 C23 29 15 30 10 26" className={styles.stroke} />
    </g>
  );
}

/** The stack of DiT blocks: three boxes offset by 4, the front one at (x, y), named in its middle. */
function BlockStack({ x, y, w, h }: { x: number; y: number; w: number; h: number }) {
  return (
    <>
      <Box x={x + 8} y={y - 8} w={w} h={h} kind="block" />
      <Box x={x + 4} y={y - 4} w={w} h={h} kind="block" />
      <Box x={x} y={y} w={w} h={h} kind="block" />
      <text x={x + w / 2} y={y + h / 2 - 7} textAnchor="middle" className={parts.label}>
        DiT block
      </text>
      <text x={x + w / 2} y={y + h / 2 + 11} textAnchor="middle" className={parts.sub}>
        × <tspan className={parts.math}>N</tspan> (6; XL: 28)
      </text>
    </>
  );
}

/** The final layer's box: layer norm + linear, on two lines. */
function FinalLayer({ x, y, w, h }: { x: number; y: number; w: number; h: number }) {
  return (
    <>
      <Box x={x} y={y} w={w} h={h} kind="block" />
      <text x={x + w / 2} y={y + h / 2 - 3} textAnchor="middle" className={parts.label}>
        layer norm
      </text>
      <text x={x + w / 2} y={y + h / 2 + 13} textAnchor="middle" className={parts.label}>
        + linear
      </text>
    </>
  );
}

/** The two kinds of arrow: solid for sampling, dashed for what only training does. */
function Legend({ x, y }: { x: number; y: number }) {
  return (
    <>
      {[
        ['sampling', ''],
        ['training only', ` ${parts.dashed}`],
      ].map(([name, dash], i) => (
        <g key={name}>
          <line x1={x + 100 * i} y1={y} x2={x + 100 * i + 28} y2={y} className={`${parts.arrow} ${parts['arrow-flow']}${dash}`} />
          <text x={x + 100 * i + 34} y={y + 4} className={parts.edgeSub}>
            {name}
          </text>
        </g>
      ))}
    </>
  );
}

/** The start of training on one row at height y: the picture, the VAE encoder's dashed arrow, and z_0 (the paper's sizes in brackets, after `paper`). */
function EncodeFromPicture(p: { id: string; digit: number; arrow: [number, number]; z: number; s: number; y: number; captionY: number; paper: string }) {
  return (
    <>
      <Digit x={p.digit} y={p.y - 18} />
      <Lines x={p.digit + 17} y={p.captionY} lines={['image', '32×32×1', `(${p.paper}256×256×3)`]} size="small" />
      <Arrow d={`M${p.arrow[0]} ${p.y} L${p.arrow[1]} ${p.y}`} id={p.id} dashed />
      <EdgeLabels x={(p.arrow[0] + p.arrow[1]) / 2} y={[p.y - 13, p.y + 17]} top="VAE encoder" bottom="× scale factor" />
      <LatentStack x={p.z} y={p.y - 10} s={p.s} />
      <Lines x={p.z + p.s - 5} y={p.captionY} lines={[<V key="z" n="z" sub="0" />, '8×8×4', `(${p.paper}32×32×4)`]} size="small" />
    </>
  );
}

/** The end of sampling on one row at height y: clean z_0, the VAE decoder's arrow, and the picture, captioned at captionY. */
function DecodeToPicture({ id, z, arrow, digit, y, captionY }: { id: string; z: number; arrow: [number, number]; digit: number; y: number; captionY: number }) {
  return (
    <>
      <LatentStack x={z} y={y - 10} s={26} />
      <Lines
        x={z + 21}
        y={captionY}
        lines={[
          <>
            clean <V key="z" n="z" sub="0" />
          </>,
          '8×8×4',
        ]}
        size="small"
      />
      <Arrow d={`M${arrow[0]} ${y} L${arrow[1]} ${y}`} id={id} />
      <EdgeLabels x={(arrow[0] + arrow[1]) / 2} y={[y - 13, y + 17]} top="VAE decoder" bottom="÷ scale factor" />
      <Digit x={digit} y={y - 18} />
      <Lines x={digit + 17} y={captionY} lines={['picture', '32×32×1']} size="small" />
    </>
  );
}

/** The wide drawing: the outer pipeline on top, and below it a zoom into one pass of the loop. */
function Wide() {
  const id = 'ditpipe-w';
  return (
    <svg viewBox="0 0 720 446" className={`${parts.svg} ${parts.wide}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
      <title id={`${id}-title`}>{PIPELINE_TITLE}</title>
      <desc id={`${id}-desc`}>{PIPELINE_DESC}</desc>
      <Markers id={id} />

      {/* spaces: pixels at both ends, latents in the middle */}
      <rect x={0} y={0} width={126} height={150} rx={8} className={styles.space} />
      <rect x={594} y={0} width={126} height={150} rx={8} className={styles.space} />
      <text x={10} y={16} className={styles.spaceLabel}>
        PIXELS
      </text>
      <text x={710} y={16} textAnchor="end" className={styles.spaceLabel}>
        PIXELS
      </text>
      <text x={360} y={146} textAnchor="middle" className={styles.spaceLabel}>
        LATENT SPACE
      </text>

      {/* training input: image -> encoder -> z_0 */}
      <EncodeFromPicture id={id} digit={46} arrow={[104, 168]} z={182} s={26} y={66} captionY={100} paper="paper " />
      <Arrow d="M240 66 L296 66" id={id} dashed />
      <EdgeLabels
        x={268}
        y={[52, 84]}
        top="+ noise"
        bottom={
          <>
            random <tspan className={parts.math}>t</tspan>
          </>
        }
      />

      {/* sampling input: noise z_T */}
      <text x={370} y={16} textAnchor="middle" className={parts.label}>
        noise <V n="z" sub="T" /> ~ 𝒩(0, I)
      </text>
      <Arrow d="M370 22 L370 40" id={id} />

      {/* the loop, zoomed into below */}
      <Box x={300} y={42} w={140} h={50} kind="loop" />
      <text x={370} y={63} textAnchor="middle" className={parts.label}>
        denoising loop
      </text>
      <text x={370} y={80} textAnchor="middle" className={parts.sub}>
        <tspan className={parts.math}>t</tspan> = <tspan className={parts.math}>T</tspan>, …, 1
      </text>
      <Arrow d="M440 66 L484 66" id={id} />
      <DecodeToPicture id={id} z={494} arrow={[536, 622]} digit={634} y={66} captionY={100} />

      {/* legend */}
      <Legend x={262} y={176} />

      {/* zoom lines from the loop box to the panel */}
      <path d="M300 92 L8 196" className={styles.zoom} />
      <path d="M440 92 L712 196" className={styles.zoom} />

      {/* the panel: one pass of the loop (Peebles & Xie, Figure 3) */}
      <rect x={4} y={196} width={712} height={248} rx={10} className={styles.panel} />
      <text x={16} y={216} className={styles.panelTitle}>
        One pass of the loop at step <tspan className={parts.math}>t</tspan>: the DiT
      </text>

      {/* conditioning, from above */}
      <text x={228} y={263} textAnchor="end" className={parts.sub}>
        timestep <tspan className={parts.math}>t</tspan>
      </text>
      <Arrow d="M232 259 L251 259" id={id} kind="cond" />
      <Box x={253} y={246} w={164} h={26} kind="cond" />
      <text x={335} y={263} textAnchor="middle" className={parts.sub}>
        <tspan className={parts.math}>c</tspan> = embed(<tspan className={parts.math}>t</tspan>) + embed(<tspan className={parts.math}>y</tspan>)
      </text>
      <Arrow d="M438 259 L419 259" id={id} kind="cond" />
      <text x={442} y={263} className={parts.sub}>
        class label <tspan className={parts.math}>y</tspan>
      </text>
      <Arrow d="M335 272 L335 294" id={id} kind="cond" />
      <text x={343} y={289} className={styles.condLabel}>
        adaLN-Zero
      </text>

      {/* noisy latent */}
      <LatentStack x={24} y={322} s={34} />
      <Lines
        x={45}
        y={376}
        lines={[
          <>
            noisy <V key="z" n="z" sub="t" />
          </>,
          '8×8×4',
          '(32×32×4)',
        ]}
        size="small"
      />
      <Arrow d="M78 336 L130 336" id={id} />
      <EdgeLabels
        x={104}
        y={[324, 354]}
        top="patchify"
        bottom={
          <>
            <tspan className={parts.math}>p</tspan> = 2
          </>
        }
      />

      {/* tokens */}
      <Tokens x={136} y={326} />
      <Lines x={175} y={376} lines={['16 tokens', '(256)']} size="small" />
      <Arrow d="M216 336 L227 336" id={id} />
      <circle cx={240} cy={336} r={11} className={parts.plus} />
      <text x={240} y={341} textAnchor="middle" className={parts.label}>
        +
      </text>
      <Lines x={240} y={302} lines={['position', 'embeddings']} size="small" />
      <Arrow d="M251 336 L276 336" id={id} />

      {/* DiT blocks */}
      <BlockStack x={280} y={304} w={110} h={70} />

      {/* final layer */}
      <Arrow d="M398 336 L406 336" id={id} />
      <FinalLayer x={408} y={314} w={88} h={44} />
      <path d="M496 336 L572 336" className={`${parts.arrow} ${parts['arrow-flow']}`} />
      <text x={534} y={328} textAnchor="middle" className={parts.edge}>
        unpatchify
      </text>
      <Arrow d="M572 336 L590 306" id={id} />
      <Arrow d="M572 336 L590 366" id={id} />

      {/* outputs */}
      <LatentStack x={592} y={288} s={26} kind="noise" />
      <text x={636} y={296} className={parts.label}>
        noise
      </text>
      <text x={636} y={310} className={parts.sub}>
        8×8×4
      </text>
      <LatentStack x={592} y={358} s={26} kind="sigma" />
      <text x={636} y={368} className={parts.label}>
        covariance
      </text>
      <text x={636} y={382} className={parts.sub}>
        Σ, 8×8×4
      </text>

      {/* sampler step back to z_t */}
      <Arrow d="M606 390 C606 426 594 430 560 430 L26 430 C16 430 12 424 12 414 L12 352 C12 342 14 339 20 339" id={id} kind="loop" />
      <text x={300} y={424} textAnchor="middle" className={styles.loopLabel}>
        sampler step <V n="z" sub="t" /> → <V n="z" sub="t−1" />
      </text>
    </svg>
  );
}

/** The tall drawing for phones: the same content in one column, the loop drawn inside its box. */
function Tall() {
  const id = 'ditpipe-t';
  const cx = 170;
  return (
    <svg viewBox="0 0 340 844" className={`${parts.svg} ${parts.tall} ${styles.tall}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
      <title id={`${id}-title`}>{PIPELINE_TITLE}</title>
      <desc id={`${id}-desc`}>{PIPELINE_DESC}</desc>
      <Markers id={id} />

      {/* training input, one row */}
      <rect x={0} y={0} width={104} height={112} rx={8} className={styles.space} />
      <text x={8} y={15} className={styles.spaceLabel}>
        PIXELS
      </text>
      <EncodeFromPicture id={id} digit={35} arrow={[92, 160]} z={170} s={24} y={42} captionY={76} paper="" />
      <Arrow d="M188 112 L188 146" id={id} dashed />
      <text x={180} y={133} textAnchor="end" className={parts.edgeSub}>
        + noise, random <tspan className={parts.math}>t</tspan>
      </text>

      {/* sampling input */}
      <text x={290} y={40} textAnchor="middle" className={parts.label}>
        noise
      </text>
      <text x={290} y={56} textAnchor="middle" className={parts.label}>
        <V n="z" sub="T" /> ~ 𝒩(0, I)
      </text>
      <Arrow d="M290 64 L290 146" id={id} />

      {/* the loop, with the DiT inside */}
      <rect x={2} y={148} width={336} height={536} rx={10} className={styles.panel} />
      <text x={12} y={168} className={styles.panelTitle}>
        denoising loop, <tspan className={parts.math}>t</tspan> = <tspan className={parts.math}>T</tspan>, …, 1
      </text>

      <LatentStack x={cx - 21} y={190} s={30} />
      <text x={cx + 30} y={200} className={parts.label}>
        noisy <V n="z" sub="t" />
      </text>
      <text x={cx + 30} y={214} className={parts.sub}>
        8×8×4 (32×32×4)
      </text>
      <Arrow d={`M${cx - 6} 226 L${cx - 6} 254`} id={id} />
      <text x={cx + 4} y={244} className={parts.edge}>
        patchify, <tspan className={parts.math}>p</tspan> = 2
      </text>

      <Tokens x={cx - 45} y={260} />
      <Lines x={cx + 88} y={270} lines={['16 tokens', '(256)']} size="small" />
      <Arrow d={`M${cx - 6} 282 L${cx - 6} 300`} id={id} />
      <circle cx={cx - 6} cy={312} r={11} className={parts.plus} />
      <text x={cx - 6} y={317} textAnchor="middle" className={parts.label}>
        +
      </text>
      <text x={cx + 12} y={316} className={parts.sub}>
        position embeddings
      </text>
      <Arrow d={`M${cx - 6} 323 L${cx - 6} 344`} id={id} />

      <BlockStack x={cx - 70} y={354} w={120} h={58} />

      {/* conditioning from the right */}
      <Arrow d={`M270 383 L${cx + 56} 383`} id={id} kind="cond" />
      <text x={301} y={341} textAnchor="middle" className={styles.condLabel}>
        adaLN-Zero
      </text>
      <Box x={270} y={348} w={62} h={70} kind="cond" />
      <text x={301} y={368} textAnchor="middle" className={parts.sub}>
        <tspan className={parts.math}>c</tspan> =
      </text>
      <text x={301} y={384} textAnchor="middle" className={parts.sub}>
        emb(<tspan className={parts.math}>t</tspan>) +
      </text>
      <text x={301} y={400} textAnchor="middle" className={parts.sub}>
        emb(<tspan className={parts.math}>y</tspan>)
      </text>
      <Arrow d="M286 448 L286 420" id={id} kind="cond" />
      <Arrow d="M318 448 L318 420" id={id} kind="cond" />
      <text x={286} y={462} textAnchor="middle" className={parts.sub}>
        step <tspan className={parts.math}>t</tspan>
      </text>
      <text x={318} y={476} textAnchor="middle" className={parts.sub}>
        label <tspan className={parts.math}>y</tspan>
      </text>

      <Arrow d={`M${cx - 10} 414 L${cx - 10} 436`} id={id} />
      <FinalLayer x={cx - 64} y={438} w={108} h={40} />
      <Arrow d={`M${cx - 30} 478 L${cx - 60} 530`} id={id} />
      <Arrow d={`M${cx + 10} 478 L${cx + 40} 530`} id={id} />
      <text x={cx - 10} y={510} textAnchor="middle" className={parts.edge}>
        unpatchify
      </text>

      <LatentStack x={cx - 84} y={546} s={26} kind="noise" />
      <Lines x={cx - 68} y={598} lines={['noise', '8×8×4']} size="small" />
      <LatentStack x={cx + 24} y={546} s={26} kind="sigma" />
      <Lines x={cx + 40} y={598} lines={['covariance Σ', '8×8×4']} size="small" />

      <Arrow d="M102 616 L102 636 C102 644 98 648 90 648 L40 648 C33 648 30 645 30 638 L30 214 C30 208 33 206 40 206 L144 206" id={id} kind="loop" />
      <text x={40} y={668} className={styles.loopLabel}>
        sampler step <V n="z" sub="t" /> → <V n="z" sub="t−1" />
      </text>

      {/* out of the loop */}
      <Arrow d="M170 684 L170 704" id={id} />
      <rect x={214} y={706} width={126} height={106} rx={8} className={styles.space} />
      <DecodeToPicture id={id} z={44} arrow={[100, 222]} digit={240} y={740} captionY={776} />
      <text x={332} y={804} textAnchor="end" className={styles.spaceLabel}>
        PIXELS
      </text>

      {/* legend */}
      <Legend x={8} y={832} />
    </svg>
  );
}

export function DitPipeline() {
  return (
    <div className={parts.figure}>
      <Wide />
      <Tall />
    </div>
  );
}
