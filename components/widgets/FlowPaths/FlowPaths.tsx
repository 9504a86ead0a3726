'use client';
import { RangeControl, SelectControl } from '@/components/widgets/shared/RangeControl';
import { useHydrated } from '@/components/widgets/shared/use-hydrated';
import { frameAttributes } from '../shared/StatusParts';
import controls from '@/components/widgets/shared/controls.module.css';
import type { Mixture, Point } from '@/lib/diffusion/toy2d';
import { SettingLink } from '../shared/SettingLink';
import { DATA, FP_URL, LAND_WITHIN, STARTS, useFlowPaths, type DataName, type RunSummary } from './use-flow-paths';
import styles from './FlowPaths.module.css';

const VIEW = 3.2; // the plane shown: [-3.2, 3.2] on both axes
const SIZE = 240;
const px = (v: number) => ((v + VIEW) / (2 * VIEW)) * SIZE;
const py = (v: number) => SIZE - px(v);

const xy = ([x, y]: Point) => `${px(x).toFixed(1)} ${py(y).toFixed(1)}`;
/** All paths as one SVG path (a few elements redraw fast on every slider step, hundreds do not). */
const linesPath = (paths: Point[][]) => paths.map((p) => `M${p.map(xy).join('L')}`).join('');
/** Dots as one path of small circles (two arcs each). */
const dotsPath = (points: Point[], r: number) => points.map((p) => `M${xy(p)}m${-r} 0a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`).join('');

const DATA_OPTIONS = (Object.keys(DATA) as DataName[]).map((value) => ({ value, label: DATA[value].label }));

function Plane({ title, run, mixture, starts, testId }: { title: string; run: RunSummary; mixture: Mixture; starts: Point[]; testId: string }) {
  return (
    <figure
      className={styles.plane}
      data-testid={testId}
      data-landed={run.landed}
      data-bend={run.bend.toFixed(3)}
      data-paths={run.paths.length}
      data-points={run.paths[0]?.length ?? 0}
    >
      <svg viewBox={`0 0 ${SIZE} ${SIZE}`} role="img" aria-label={`${title}: ${run.landed} of ${STARTS} paths end on the data`}>
        <rect x={0} y={0} width={SIZE} height={SIZE} className={styles.bg} />
        {mixture.means.map(([x, y], k) => (
          <circle key={k} cx={px(x)} cy={py(y)} r={(LAND_WITHIN * mixture.std * SIZE) / (2 * VIEW)} className={styles.mode} />
        ))}
        <path d={linesPath(run.paths)} className={styles.path} />
        <path d={dotsPath(starts, 1.6)} className={styles.start} />
        <path
          d={dotsPath(
            run.paths.map((p) => p.at(-1)!),
            2.2,
          )}
          className={styles.end}
        />
      </svg>
      <figcaption>
        <strong>{title}</strong>
        <br />
        <span data-testid={`${testId}-landed`}>
          {run.landed} of {STARTS}
        </span>{' '}
        end on the data; the paths are {run.bend.toFixed(2)}× as long as a straight line.
      </figcaption>
    </figure>
  );
}

/**
 * DDPM against rectified flow, in the plane: the same noise points, the same data, a perfect model
 * for each (lib/diffusion/toy2d.ts), and the step count as the one dial. Chapter 10.
 */
export function FlowPaths() {
  const s = useFlowPaths();
  const hydrated = useHydrated();
  return (
    <div {...frameAttributes('flow-paths', 'fp', styles.root)} data-ready={hydrated}>
      <div className={controls.controls}>
        <RangeControl label="Steps" value={s.steps} min={1} max={50} onChange={s.setSteps} valueText={`${s.steps} steps`} testId="fp-steps" />
        <SelectControl label="Data" value={s.data} options={DATA_OPTIONS} onChange={s.setData} testId="fp-data" />
        <button type="button" className={controls.button} onClick={s.reroll} data-testid="fp-reroll">
          New noise points (seed {s.seed})
        </button>
      </div>
      <div className={styles.planes}>
        <Plane title="DDPM, sampled with DDIM (η = 0)" run={s.ddim} mixture={s.mixture} starts={s.starts} testId="fp-ddim" />
        <Plane title="Rectified flow, Euler steps" run={s.flow} mixture={s.mixture} starts={s.starts} testId="fp-flow" />
      </div>
      <p className={styles.note}>
        Grey dots: the {STARTS} noise points both samplers start from. Lines: each sampler&rsquo;s path, one point a step. Coloured dots: where they end. Rings:
        the data, {LAND_WITHIN} standard deviations around each component. Both use the exact best prediction for this data, so only the process and its{' '}
        {s.steps} {s.steps === 1 ? 'step' : 'steps'} differ. DDPM&rsquo;s steps are its linear schedule respaced, as our sampler does.
      </p>
      <SettingLink prefix="fp" spec={FP_URL} settings={s.settings} problems={s.urlProblems} />
    </div>
  );
}
