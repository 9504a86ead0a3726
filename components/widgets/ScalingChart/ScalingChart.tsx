'use client';
import { useMemo } from 'react';
import { frameAttributes } from '../shared/StatusParts';
import controls from '@/components/widgets/shared/controls.module.css';
import { SelectControl } from '@/components/widgets/shared/RangeControl';
import { PAPER_CITATION, PAPER_SCALING } from '@/lib/models/paper-results';
import { GRID_TOTAL, type GridCell } from '@/lib/models/scaling-grid';
import { GRID_PATCHES, GRID_SIZES } from '@/lib/models/models-index';
import type { RankCorrelation } from '@/lib/models/rank-correlation';
import { LossChart } from './LossChart';
import { LineSwatch, MarkSwatch, SIZE_COLOR, patchDash, patchShape } from './marks';
import { ScatterPlot, type ScatterLine, type ScatterPoint } from './ScatterPlot';
import { SC_URL, useScalingChart, type Connect, type YScale } from './use-scaling-chart';
import { SettingLink } from '../shared/SettingLink';
import results from '@/components/widgets/shared/results.module.css';
import styles from './ScalingChart.module.css';

export const TRAIN_SCALING_COMMAND = 'npm run cli -- train scaling';
const PAPER_SIZES = ['S', 'B', 'L', 'XL'] as const;
const PAPER_PATCHES = [8, 4, 2] as const;
const CONNECT_OPTIONS: { value: Connect; label: string }[] = [
  { value: 'size', label: 'same size' },
  { value: 'patch', label: 'same patch size' },
  { value: 'none', label: 'no lines' },
];
const Y_OPTIONS: { value: YScale; label: string }[] = [
  { value: 'linear', label: 'linear' },
  { value: 'log', label: 'log, as the paper plots it' },
];
const FLOOR_LABELS: Record<string, string> = { testVsTrain: 'test digits', vaeReconTestVsTrain: 'VAE reconstructions' };

const minus = (s: string) => s.replace(/-/g, '\u2212');
const fmtRho = (r: RankCorrelation) => minus(r.rho.toFixed(2));
const fmtParams = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}K`);
const fmtPct = (v: number) => `${(100 * v).toFixed(1)}%`;

function joinLines<T extends { key: string; size: string; patch: number }>(
  items: T[],
  connect: Connect,
  sizes: readonly string[],
  patches: readonly number[],
): ScatterLine[] {
  if (connect === 'none') return [];
  if (connect === 'size') {
    return sizes.map((s) => ({
      key: `size-${s}`,
      color: SIZE_COLOR[s],
      keys: [...patches]
        .sort((a, b) => b - a)
        .map((p) => items.find((i) => i.size === s && i.patch === p)?.key)
        .filter((k): k is string => !!k),
    }));
  }
  return patches.map((p) => ({
    key: `patch-${p}`,
    color: 'var(--fg-faint)',
    dash: '3 3',
    keys: sizes.map((s) => items.find((i) => i.size === s && i.patch === p)?.key).filter((k): k is string => !!k),
  }));
}

/**
 * "p = 4" as one inline element: a legend item is a flex row with a gap, and loose text beside <var>
 * would become separate flex items, each pushed apart by that gap.
 */
function PatchLabel({ p }: { p: number }) {
  return (
    <span className={styles.nowrap}>
      <var>p</var> = {p}
    </span>
  );
}

function Legend({ sizes, patches, floors = [] }: { sizes: readonly string[]; patches: readonly number[]; floors?: { y: number; name: string }[] }) {
  return (
    <ul className={results.legend}>
      {sizes.map((s) => (
        <li key={s}>
          <MarkSwatch shape="circle" color={SIZE_COLOR[s]} /> {s}
        </li>
      ))}
      {patches.map((p) => (
        <li key={p}>
          <MarkSwatch shape={patchShape(p, patches)} color="var(--fg-soft)" /> <PatchLabel p={p} />
        </li>
      ))}
      {floors.length > 0 && (
        // The floors sit a few FLD apart just above the x axis, where labels in the plot would overlap.
        <li data-testid="sc-floors">
          <LineSwatch color="var(--fg-faint)" dash="4 3" /> FLD floors: {floors.map((f) => `${f.y.toFixed(1)} (${f.name})`).join(', ')}
        </li>
      )}
    </ul>
  );
}

/**
 * The paper's scaling result (FID-50K against Gflops, Table 4) beside DiT Lab's grid (FLD against
 * forward Mflops for every shipped dit-scale-* model, from the models index), with the FLD floors, the
 * rank correlation of each, and the grid's training-loss curves. Nothing here is hard-coded about our
 * models: an unshipped cell is listed as not trained.
 */
export function ScalingChart() {
  const s = useScalingChart();
  const { grid } = s;

  const paperPoints: (ScatterPoint & { size: string; patch: number })[] = useMemo(
    () =>
      PAPER_SCALING.map((r) => ({
        key: r.model,
        x: r.gflops,
        y: r.fid,
        color: SIZE_COLOR[r.size],
        shape: patchShape(r.patch, PAPER_PATCHES),
        size: r.size,
        patch: r.patch,
      })),
    [],
  );
  const paperLines = useMemo(() => joinLines(paperPoints, s.connect, PAPER_SIZES, PAPER_PATCHES), [paperPoints, s.connect]);
  const paperRow = PAPER_SCALING.find((r) => r.model === s.paperSelected);

  const ourPoints: (ScatterPoint & { size: string; patch: number })[] = useMemo(
    () =>
      grid.scored.map((c) => ({
        key: c.label,
        x: c.mflops,
        y: c.entry!.scores!.fld,
        color: SIZE_COLOR[c.size],
        shape: patchShape(c.patch, GRID_PATCHES),
        size: c.size,
        patch: c.patch,
      })),
    [grid],
  );
  const ourLines = useMemo(() => joinLines(ourPoints, s.connect, GRID_SIZES, GRID_PATCHES), [ourPoints, s.connect]);
  const floors = Object.entries(grid.floors).map(([k, v]) => ({
    y: v,
    name: FLOOR_LABELS[k] ?? k,
    label: `FLD floor (${FLOOR_LABELS[k] ?? k}) ${v.toFixed(1)}`,
  }));
  const yMax = Math.max(10, ...ourPoints.map((p) => p.y), ...floors.map((f) => f.y)) * 1.1;
  // A log axis starts under the lowest point or floor line (FLD is positive).
  const yMin = Math.min(yMax / 10, ...ourPoints.map((p) => p.y), ...floors.map((f) => f.y)) * 0.8;
  const log = s.yScale === 'log';
  const ourCell = grid.cells.find((c) => c.label === s.oursSelected && c.entry?.scores);
  const trained = grid.cells.filter((c) => c.entry).length;
  const missing = grid.cells.filter((c) => !c.entry);
  const lossSeries = grid.cells
    .filter((c) => c.entry && c.entry.lossCurve.length > 1)
    .map((c) => ({
      key: c.label,
      color: SIZE_COLOR[c.size],
      dash: patchDash(c.patch, GRID_PATCHES),
      shape: patchShape(c.patch, GRID_PATCHES),
      points: c.entry!.lossCurve,
      cell: c,
    }));

  return (
    <div
      {...frameAttributes('scaling-chart', 'sc', styles.root)}
      data-index={s.index.status}
      data-trained={s.index.status === 'ready' ? trained : ''}
      data-rho={grid.correlation ? grid.correlation.rho : ''}
      data-n={grid.scored.length}
      data-paper-rho={s.paperCorrelation?.rho ?? ''}
    >
      <div className={controls.controls}>
        <SelectControl<Connect> label="Join points of the" value={s.connect} options={CONNECT_OPTIONS} onChange={s.setConnect} testId="sc-connect" />
        <SelectControl<YScale> label="Y axis" value={s.yScale} options={Y_OPTIONS} onChange={s.setYScale} testId="sc-y" />
      </div>
      <SettingLink prefix="sc" spec={SC_URL} settings={s.settings} problems={s.urlProblems} />

      <div className={results.panes}>
        <figure className={results.pane}>
          <p className={results.paneTitle}>The paper: FID-50K against Gflops</p>
          <ScatterPlot
            id="sc-paper"
            xLabel="Gflops per image (log scale)"
            yLabel="FID-50K (lower is better)"
            xDomain={[0.25, 200]}
            yDomain={log ? [15, 200] : [0, 160]}
            logY={log}
            points={paperPoints}
            lines={paperLines}
            selected={s.paperSelected}
            onSelect={s.setPaperSelected}
            description={`FID-50K against Gflops for the twelve DiT models of ${PAPER_CITATION}: FID falls as Gflops grow, from S/8 (0.36 Gflops, FID 153.60) to XL/2 (118.64 Gflops, FID 19.47). Use the arrow keys to read each model.`}
          />
          <Legend sizes={PAPER_SIZES} patches={PAPER_PATCHES} />
          <p className={styles.readout} aria-live="polite" data-testid="sc-paper-readout">
            {paperRow ? (
              <>
                <strong>DiT-{paperRow.model}</strong>: {paperRow.gflops.toFixed(2)} Gflops, {paperRow.paramsM}M parameters, FID-50K {paperRow.fid.toFixed(2)}
              </>
            ) : (
              'Point at a model (or focus the chart and use the arrow keys).'
            )}
          </p>
          <figcaption className={results.note}>
            Source: {PAPER_CITATION} (256×256 ImageNet, 400K steps, no guidance). Spearman rank correlation of Gflops and FID over the twelve models:{' '}
            <span data-testid="sc-paper-rho">ρ = {s.paperCorrelation ? fmtRho(s.paperCorrelation) : '–'} (n = 12)</span>.
          </figcaption>
        </figure>

        <figure className={results.pane}>
          <p className={results.paneTitle}>DiT Lab: FLD against forward Mflops</p>
          <ScatterPlot
            id="sc-ours"
            xLabel="Mflops per image, multiply-adds (log scale)"
            yLabel="FLD (lower is better)"
            xDomain={[0.6, 400]}
            yDomain={log ? [yMin, yMax] : [0, yMax]}
            logY={log}
            points={ourPoints}
            lines={ourLines}
            refLines={floors}
            selected={s.oursSelected}
            onSelect={s.setOursSelected}
            description={
              ourPoints.length === 0
                ? 'No model of the scaling grid is trained yet.'
                : `FLD against forward Mflops for the ${ourPoints.length} trained models of DiT Lab's grid: ${grid.scored.map((c) => `${c.label} ${c.mflops.toFixed(2)} Mflops, FLD ${c.entry!.scores!.fld.toFixed(1)}`).join('; ')}.`
            }
            empty={s.index.status === 'loading' ? 'Loading…' : 'No model of the grid is trained yet.'}
          />
          <Legend sizes={GRID_SIZES} patches={GRID_PATCHES} floors={floors} />
          <p className={styles.readout} aria-live="polite" data-testid="sc-ours-readout">
            {ourCell ? (
              <>
                <strong>DiT-mini-{ourCell.label}</strong>: {ourCell.mflops.toFixed(2)} Mflops, {fmtParams(ourCell.parameters)} parameters, FLD{' '}
                {ourCell.entry!.scores!.fld.toFixed(1)}, conditional accuracy {fmtPct(ourCell.entry!.scores!.conditionalAccuracy)} (
                {ourCell.entry!.scores!.n.toLocaleString('en')} samples, {ourCell.entry!.steps.toLocaleString('en')} training steps)
              </>
            ) : ourPoints.length > 0 ? (
              'Point at a model (or focus the chart and use the arrow keys).'
            ) : null}
          </p>
          <GridStatus
            state={s.index.status}
            problem={s.index.status === 'error' ? s.index.problem : null}
            trained={trained}
            missing={missing}
            correlation={grid.correlation}
            scored={grid.scored.length}
          />
        </figure>
      </div>

      <p className={results.note} id="sc-grid-caption">
        DiT Lab&apos;s grid: cost and parameters computed from each configuration (lib/dit); FLD and conditional accuracy measured on each shipped model.
      </p>
      <p className={`${results.note} ${styles.scrollHint}`} aria-hidden="true">
        Scroll the table sideways for FLD, accuracy and steps →
      </p>
      {/* Focusable so a keyboard reader can scroll it too; the shadows at its edges say there is more. */}
      <div className={`${results.tableWrap} ${styles.tableScroll}`} role="region" aria-labelledby="sc-grid-caption" tabIndex={0} data-testid="sc-grid-scroll">
        <table className={`${results.table} ${styles.table}`} data-testid="sc-grid-table" aria-describedby="sc-grid-caption">
          <thead>
            <tr>
              <th scope="col">model</th>
              <th scope="col">
                <var>T</var>
              </th>
              <th scope="col">params</th>
              <th scope="col">Mflops</th>
              <th scope="col">FLD</th>
              <th scope="col">cond. acc.</th>
              <th scope="col">steps</th>
            </tr>
          </thead>
          <tbody>
            {grid.cells.map((c) => (
              <GridRow key={c.label} cell={c} />
            ))}
          </tbody>
        </table>
      </div>

      {lossSeries.length > 0 && (
        <figure className={`${results.pane} ${results.lossPane}`}>
          <p className={results.paneTitle}>Training loss of the grid models</p>
          <LossChart
            id="sc-loss"
            series={lossSeries}
            description={`Training loss against step for ${lossSeries.length} grid model(s): ${lossSeries.map((l) => `${l.key} ends at ${l.points.at(-1)!.loss.toFixed(3)}`).join('; ')}.`}
          />
          <ul className={results.legend}>
            {lossSeries.map((l) => (
              <li key={l.key}>
                <LineSwatch color={l.color} dash={l.dash} shape={l.shape} /> {l.key}
              </li>
            ))}
          </ul>
          <ul className={results.legend} data-testid="sc-loss-patches">
            {GRID_PATCHES.map((p) => (
              <li key={p}>
                <LineSwatch color="var(--fg-soft)" dash={patchDash(p, GRID_PATCHES)} shape={patchShape(p, GRID_PATCHES)} /> <PatchLabel p={p} />
              </li>
            ))}
          </ul>
          <figcaption className={results.note}>
            Loss of the hybrid objective as logged in training (a noisy per-batch value), same axes for every model. Colour by size, dash and end mark by patch
            size, as in the charts above.
          </figcaption>
        </figure>
      )}
    </div>
  );
}

function GridRow({ cell: c }: { cell: GridCell }) {
  const sc = c.entry?.scores;
  return (
    <tr data-trained={c.entry ? 'true' : 'false'}>
      <th scope="row">mini-{c.label}</th>
      <td>{c.tokens}</td>
      <td>{fmtParams(c.parameters)}</td>
      <td>{c.mflops.toFixed(2)}</td>
      {c.entry ? (
        <>
          <td>{sc ? sc.fld.toFixed(1) : '–'}</td>
          <td>{sc ? fmtPct(sc.conditionalAccuracy) : '–'}</td>
          <td>{c.entry.steps.toLocaleString('en')}</td>
        </>
      ) : (
        <td colSpan={3} className={styles.missing}>
          not trained yet
        </td>
      )}
    </tr>
  );
}

function GridStatus({
  state,
  problem,
  trained,
  missing,
  correlation,
  scored,
}: {
  state: 'loading' | 'ready' | 'error';
  problem: string | null;
  trained: number;
  missing: GridCell[];
  correlation: RankCorrelation | null;
  scored: number;
}) {
  if (state === 'loading') return <p className={results.note}>Reading the list of trained models…</p>;
  if (state === 'error') {
    return (
      <p className={`${controls.inlineError} ${controls.small}`} role="alert" data-testid="sc-index-error">
        <strong>The list of trained models could not be read:</strong> {problem}. The paper&apos;s chart does not depend on it.
      </p>
    );
  }
  return (
    <>
      <p className={results.status} data-testid="sc-status">
        <strong>
          {trained} of {GRID_TOTAL} trained.
        </strong>{' '}
        {missing.length > 0 ? (
          <>
            Not yet: {missing.map((c) => c.label).join(', ')}. Train them with <code>{TRAIN_SCALING_COMMAND}</code>.
          </>
        ) : (
          'The whole grid is trained.'
        )}
      </p>
      <p className={results.note} data-testid="sc-rho">
        {correlation ? (
          <>
            Spearman rank correlation of Mflops and FLD over the trained models: <strong>ρ = {fmtRho(correlation)}</strong> (n = {correlation.n}); −1 would mean
            every step up in compute lowered FLD.
          </>
        ) : (
          <>The rank correlation of Mflops and FLD needs at least 3 trained models with scores (now {scored}).</>
        )}
      </p>
    </>
  );
}
