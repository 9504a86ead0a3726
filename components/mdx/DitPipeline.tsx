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
      <Digit x={46} y={48} />
      <Lines x={63} y={100} lines={['image', '32×32×1', '(paper 256×256×3)']} size="small" />
      <Arrow d="M104 66 L168 66" id={id} dashed />
      <EdgeLabels x={136} y={[52, 84]} top="VAE encoder" bottom="× scale factor" />
      <LatentStack x={182} y={56} s={26} />
      <Lines x={203} y={100} lines={[<V key="z" n="z" sub="0" />, '8×8×4', '(paper 32×32×4)']} size="small" />
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
      <LatentStack x={494} y={56} s={26} />
      <Lines
        x={515}
        y={100}
        lines={[
          <>
            clean <V key="z" n="z" sub="0" />
          </>,
          '8×8×4',
        ]}
        size="small"
      />
      <Arrow d="M536 66 L622 66" id={id} />
      <EdgeLabels x={578} y={[52, 84]} top="VAE decoder" bottom="÷ scale factor" />
      <Digit x={634} y={48} />
      <Lines x={651} y={100} lines={['picture', '32×32×1']} size="small" />

      {/* legend */}
      <line x1={262} y1={176} x2={290} y2={176} className={`${parts.arrow} ${parts['arrow-flow']}`} />
      <text x={296} y={180} className={parts.edgeSub}>
        sampling
      </text>
      <line x1={362} y1={176} x2={390} y2={176} className={`${parts.arrow} ${parts['arrow-flow']} ${parts.dashed}`} />
      <text x={396} y={180} className={parts.edgeSub}>
        training only
      </text>

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
      <Box x={288} y={296} w={110} h={70} kind="block" />
      <Box x={284} y={300} w={110} h={70} kind="block" />
      <Box x={280} y={304} w={110} h={70} kind="block" />
      <text x={335} y={332} textAnchor="middle" className={parts.label}>
        DiT block
      </text>
      <text x={335} y={350} textAnchor="middle" className={parts.sub}>
        × <tspan className={parts.math}>N</tspan> (6; XL: 28)
      </text>

      {/* final layer */}
      <Arrow d="M398 336 L406 336" id={id} />
      <Box x={408} y={314} w={88} h={44} kind="block" />
      <text x={452} y={333} textAnchor="middle" className={parts.label}>
        layer norm
      </text>
      <text x={452} y={349} textAnchor="middle" className={parts.label}>
        + linear
      </text>
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
      <Digit x={35} y={24} />
      <Lines x={52} y={76} lines={['image', '32×32×1', '(256×256×3)']} size="small" />
      <Arrow d="M92 42 L160 42" id={id} dashed />
      <EdgeLabels x={126} y={[30, 58]} top="VAE encoder" bottom="× scale factor" />
      <LatentStack x={170} y={32} s={24} />
      <Lines x={188} y={76} lines={[<V key="z" n="z" sub="0" />, '8×8×4', '(32×32×4)']} size="small" />
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

      <Box x={cx - 62} y={346} w={120} h={58} kind="block" />
      <Box x={cx - 66} y={350} w={120} h={58} kind="block" />
      <Box x={cx - 70} y={354} w={120} h={58} kind="block" />
      <text x={cx - 10} y={378} textAnchor="middle" className={parts.label}>
        DiT block
      </text>
      <text x={cx - 10} y={396} textAnchor="middle" className={parts.sub}>
        × <tspan className={parts.math}>N</tspan> (6; XL: 28)
      </text>

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
      <Box x={cx - 64} y={438} w={108} h={40} kind="block" />
      <text x={cx - 10} y={455} textAnchor="middle" className={parts.label}>
        layer norm
      </text>
      <text x={cx - 10} y={471} textAnchor="middle" className={parts.label}>
        + linear
      </text>
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
      <LatentStack x={44} y={728} s={26} />
      <Lines
        x={65}
        y={776}
        lines={[
          <>
            clean <V key="z" n="z" sub="0" />
          </>,
          '8×8×4',
        ]}
        size="small"
      />
      <Arrow d="M100 740 L222 740" id={id} />
      <EdgeLabels x={160} y={[728, 756]} top="VAE decoder" bottom="÷ scale factor" />
      <Digit x={240} y={722} />
      <Lines x={257} y={776} lines={['picture', '32×32×1']} size="small" />
      <text x={332} y={804} textAnchor="end" className={styles.spaceLabel}>
        PIXELS
      </text>

      {/* legend */}
      <line x1={8} y1={832} x2={36} y2={832} className={`${parts.arrow} ${parts['arrow-flow']}`} />
      <text x={42} y={836} className={parts.edgeSub}>
        sampling
      </text>
      <line x1={108} y1={832} x2={136} y2={832} className={`${parts.arrow} ${parts['arrow-flow']} ${parts.dashed}`} />
      <text x={142} y={836} className={parts.edgeSub}>
        training only
      </text>
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
