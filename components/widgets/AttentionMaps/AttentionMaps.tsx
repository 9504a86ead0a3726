'use client';
import { Sym } from '@/components/widgets/shared/Sym';
import { useRef } from 'react';
import { DigitPicker, SelectControl, TimestepControl } from '@/components/widgets/shared/RangeControl';
import { DigitFigure } from '@/components/widgets/shared/DigitCanvas';
import controls from '@/components/widgets/shared/controls.module.css';
import { attentionMatrix } from '@/lib/inspect/attention';
import { widgetError } from '../shared/use-model-worker';
import { BackendLine, DigitsError, ErrorBox, SeedControl, workAttributes, frameAttributes } from '../shared/StatusParts';
import { gridKeys } from '../PatchifyExplorer/PatchParts';
import { HeatLegend, MatrixCell, OverlayCell, QueryPicker } from './AttentionParts';
import { AM_URL, useAttentionMaps, type AttentionSettings, type LabelMode } from './use-attention-maps';
import { SettingLink } from '../shared/SettingLink';
import styles from './AttentionMaps.module.css';

/** The shipped model's shape, so the skeleton has the final size before the first answer. */
const DEPTH = 6;
const HEADS = 4;
const GRID = 4;

function kb(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.round(n / 1024)} KB`;
}

/**
 * The shipped DiT's attention, live: a real MNIST test digit encoded by the VAE, noised to the
 * reader's t, run once through the network with its attention probabilities traced. For a chosen
 * query token, where it reads from in every block and head (over the digit), and all 24 matrices.
 */
export function AttentionMaps({ model, initial }: { model?: string; initial?: Partial<AttentionSettings> }) {
  const root = useRef<HTMLDivElement>(null);
  const s = useAttentionMaps(root, { model, initial });
  const { settings, result, rows, summaries } = s;
  const depth = result?.depth ?? DEPTH;
  const heads = result?.heads ?? HEADS;
  const g = result?.gridSize ?? GRID;
  const tokens = g * g;
  const err = widgetError(s.call, s.backend);
  const labelOptions: { value: LabelMode; label: string }[] = [
    { value: 'true', label: `its label (${settings.digitClass})` },
    { value: 'null', label: 'null class (unconditional)' },
  ];
  const dims = { depth, heads, tokens };
  const usedLabel = result ? (result.label === result.numClasses ? 'the null class' : `label ${result.label}`) : '';

  return (
    <div
      ref={root}
      {...frameAttributes('attention-maps', 'am', styles.root, true)}
      {...workAttributes(s.call, s.backend)}
      data-current={s.current ? 'true' : 'false'}
      data-t={result ? result.t + 1 : ''}
      data-label={result ? result.label : ''}
      data-query={s.query}
      data-model={s.model}
    >
      <div className={controls.controls}>
        <DigitPicker
          digitClass={settings.digitClass}
          sample={settings.sample}
          samplesInClass={s.samplesInClass}
          onClass={(digitClass) => s.update({ digitClass, sample: 1 })}
          onSample={(sample) => s.update({ sample })}
          disabled={s.digits.status !== 'ready'}
          testIds={['am-digit', 'am-sample']}
        />
        <SelectControl<LabelMode>
          label="Class label y"
          value={settings.labelMode}
          options={labelOptions}
          onChange={(v) => s.update({ labelMode: v })}
          testId="am-label"
        />
        <SeedControl label="Noise seed" value={settings.seed} onReroll={s.reroll} onSet={(seed) => s.update({ seed })} testId="am" />
        <TimestepControl value={settings.t} max={1000} onChange={(v) => s.update({ t: v })} className={controls.wide} testId="am-t" />
      </div>

      <div className={controls.status}>
        <BackendLine backend={s.backend} />
        {s.call.status === 'loading' && s.call.total > 0 ? (
          <div className={controls.progress} data-testid="am-progress">
            <progress max={s.call.total} value={s.call.loaded} aria-label="Downloading the model's weights" />
            <span>
              Loading weights {kb(s.call.loaded)} of {kb(s.call.total)}
            </span>
          </div>
        ) : result ? (
          <p className={controls.timing} data-testid="am-timing">
            One forward pass at <var>t</var> = {result.t + 1} with {usedLabel}: {result.ms.toFixed(0)} ms{s.call.status === 'running' ? ' (updating…)' : ''}.
          </p>
        ) : null}
      </div>
      <SettingLink prefix="am" spec={AM_URL} settings={settings} problems={s.urlProblems} />

      <div className={styles.top}>
        <div className={styles.pickerPane}>
          <QueryPicker
            pixels={s.pixels}
            g={g}
            query={s.query}
            onQuery={(k) => s.update({ query: k })}
            onKey={gridKeys(s.query, g, (k) => s.update({ query: k }))}
          />
          <p className={styles.pickerCaption}>
            Query token <strong data-testid="am-query">{s.query}</strong>: click a square
          </p>
          <div className={styles.pair}>
            <DigitFigure
              values={result?.xt ?? null}
              label={result ? `x_t at t = ${result.t + 1}, decoded` : 'x_t not computed yet'}
              className={styles.small}
              testId="am-xt"
              caption={
                <>
                  <Sym v="x" sub="t" /> decoded
                </>
              }
            />
            <DigitFigure
              values={result?.x0 ?? null}
              label={result ? `the network's predicted x_0 at t = ${result.t + 1}, decoded` : 'no prediction yet'}
              className={styles.small}
              testId="am-x0"
              caption={
                <>
                  predicted <Sym v="x" sub="0" />
                </>
              }
            />
          </div>
        </div>

        <div className={styles.overlaysBox}>
          <div
            className={styles.overlays}
            role="table"
            aria-label={`Where query token ${s.query} reads from, in each block (columns) for the mean of the heads and each head (rows)`}
            data-testid="am-overlays"
          >
            <div role="row" className={styles.overlayRow}>
              <span role="columnheader" className={styles.rowHead} />
              {Array.from({ length: depth }, (_, l) => (
                <span role="columnheader" key={l} className={styles.colHead}>
                  block {l + 1}
                  {result && result.gates.length === depth && (
                    <span
                      className={styles.gate}
                      title="mean |gate| of the attention branch (adaLN-Zero): how much attention's output counts in this block at this t"
                    >
                      gate {result.gates[l].toFixed(2)}
                    </span>
                  )}
                </span>
              ))}
            </div>
            {[-1, ...Array.from({ length: heads }, (_, h) => h)].map((h) => (
              <div role="row" key={h} className={`${styles.overlayRow} ${h === -1 ? styles.meanRow : ''}`}>
                <span role="rowheader" className={styles.rowHead}>
                  {h === -1 ? 'mean' : `head ${h + 1}`}
                </span>
                {Array.from({ length: depth }, (_, l) => (
                  <span role="cell" key={l} className={styles.overlayCell}>
                    <OverlayCell
                      pixels={s.pixels}
                      row={rows ? (h === -1 ? rows[l].mean : rows[l].heads[h]) : null}
                      g={g}
                      query={s.query}
                      label={`block ${l + 1}, ${h === -1 ? 'mean of the heads' : `head ${h + 1}`}: where token ${s.query} reads from`}
                      testId={`am-overlay-${l}-${h === -1 ? 'mean' : h}`}
                    />
                  </span>
                ))}
              </div>
            ))}
          </div>
          <HeatLegend />
        </div>
      </div>

      <section className={styles.allMaps} aria-label="All attention matrices">
        <h4 className={styles.allTitle}>
          All {depth * heads} attention matrices: rows are queries, columns are keys; the query&apos;s row is outlined. Under each: mean entropy <var>H</var>{' '}
          (nats; uniform = 2.77) and mean attention distance <var>d</var> (uniform = {s.uniformDistance.toFixed(2)}).
        </h4>
        <div className={styles.matrices} style={{ gridTemplateColumns: `auto repeat(${depth}, minmax(0, 1fr))` }}>
          <span />
          {Array.from({ length: depth }, (_, l) => (
            <span key={l} className={styles.colHead}>
              block {l + 1}
            </span>
          ))}
          {Array.from({ length: heads }, (_, h) => [
            <span key={`h${h}`} className={styles.rowHead}>
              head {h + 1}
            </span>,
            ...Array.from({ length: depth }, (_, l) => {
              const sum = summaries?.[l * heads + h];
              return (
                <figure key={`${h}-${l}`} className={styles.matrixFig}>
                  <MatrixCell
                    matrix={result ? attentionMatrix(result.attn, dims, l, h) : null}
                    tokens={tokens}
                    query={s.query}
                    label={`block ${l + 1}, head ${h + 1}: the ${tokens} by ${tokens} attention matrix`}
                    testId={`am-matrix-${l}-${h}`}
                  />
                  <figcaption>{sum ? `H ${sum.entropy.toFixed(2)} · d ${sum.distance.toFixed(2)}` : '\u00a0'}</figcaption>
                </figure>
              );
            }),
          ])}
        </div>
      </section>

      {s.digits.status === 'error' && (
        <DigitsError message={s.digits.message} testId="am-digits-error">
          This widget needs <code>/data/mnist-test-sample.bin</code>; the rest of the page works without it.
        </DigitsError>
      )}
      {err && <ErrorBox title={err.title} detail={err.detail} />}
    </div>
  );
}
