'use client';
import { useRef } from 'react';
import controls from '@/components/widgets/shared/controls.module.css';
import { ClassSelect, NumberSelect } from '@/components/widgets/shared/RangeControl';
import { CONDITIONINGS, type Conditioning } from '@/lib/dit/config';
import { PAPER_CITATION, PAPER_CONDITIONING } from '@/lib/models/paper-results';
import type { ModelIndexEntry } from '@/lib/models/models-index';
import { PictureGrid } from '@/components/widgets/shared/PictureGrid';
import { BackendLine, frameAttributes } from '@/components/widgets/shared/StatusParts';
import { rerollSeed } from '@/lib/sample/settings';
import { LossChart } from '@/components/widgets/ScalingChart/LossChart';
import { LineSwatch } from '@/components/widgets/ScalingChart/marks';
import { describeError } from '../shared/use-model-worker';
import { ScoreBars } from './ScoreBars';
import { CC_URL, SAMPLES_PER_MODEL, useConditioningCompare, type VariantRun } from './use-conditioning-compare';
import { SettingLink } from '../shared/SettingLink';
import results from '@/components/widgets/shared/results.module.css';
import styles from './ConditioningCompare.module.css';

export const TRAIN_CONDITIONING_COMMAND = 'npm run cli -- train conditioning';

/** One colour and one dash per variant, the same in every part of the figure. */
const VARIANT_STYLE: Record<Conditioning, { color: string; dash?: string }> = {
  'in-context': { color: 'var(--series-1)' },
  'cross-attention': { color: 'var(--series-2)', dash: '6 3' },
  adaLN: { color: 'var(--series-3)', dash: '2 3' },
  'adaLN-Zero': { color: 'var(--variant-4)', dash: '8 3 2 3' },
};

const GUIDANCE_OPTIONS = [
  { value: 1, label: '1 (no guidance)' },
  { value: 2, label: '2' },
  { value: 4, label: '4 (as evaluated)' },
];
const STEPS_OPTIONS = [
  { value: 10, label: '10 DDIM steps' },
  { value: 25, label: '25 DDIM steps' },
  { value: 50, label: '50 DDIM steps (as evaluated)' },
];

const fmtParams = (n: number) => `${(n / 1e6).toFixed(2)}M`;
const fmtPct = (v: number) => `${(100 * v).toFixed(1)}%`;

/**
 * The four conditioning blocks compared: the paper's DiT-XL/2 ablation (FID-50K and Gflops, Table 4)
 * beside DiT Lab's conditioning set (params, Mflops, FLD, conditional accuracy and loss curves of
 * every shipped dit-cond-* model, from the models index), and live samples of the same class and
 * seeds from each shipped variant. Variants not trained yet are named, with the command.
 */
export function ConditioningCompare() {
  const root = useRef<HTMLDivElement>(null);
  const s = useConditioningCompare(root);
  // Until the model list is read, a variant is unknown, not untrained (a slow link must not read as "nothing trained").
  const missingText = s.index.status === 'loading' ? '…' : 'not trained yet';
  const ours = (c: Conditioning): ModelIndexEntry | undefined => s.set[c];
  const floors = Object.values(CONDITIONINGS.map(ours).find((e) => e?.scores)?.scores?.floors ?? {});
  const evalN = CONDITIONINGS.map(ours).find((e) => e?.scores)?.scores?.n ?? null;
  const steps = [...new Set(s.shipped.map((c) => ours(c)!.steps))];
  const lossSeries = s.shipped.filter((c) => ours(c)!.lossCurve.length > 1).map((c) => ({ key: c, ...VARIANT_STYLE[c], points: ours(c)!.lossCurve }));
  const done = s.shipped.filter((c) => s.runs[c]?.status === 'done').length;
  const backendError = s.backend.status === 'error' ? describeError('backend', s.backend.message) : null;

  return (
    <div
      ref={root}
      {...frameAttributes('conditioning-compare', 'cc', styles.root)}
      data-index={s.index.status}
      data-shipped={s.index.status === 'ready' ? s.shipped.length : ''}
      data-samples-done={done}
    >
      <IndexStatus s={s} />

      <div className={styles.tableBlock}>
        <div className={results.tableWrap}>
          <table className={`${results.table} ${styles.table}`} data-testid="cc-table">
            <thead>
              <tr>
                <th scope="col" rowSpan={2}>
                  block
                </th>
                <th scope="colgroup" colSpan={3}>
                  Paper <span className={styles.groupSub}>XL/2, 400K steps</span>
                </th>
                <th scope="colgroup" colSpan={4}>
                  DiT Lab <span className={styles.groupSub}>mini-B/2{steps.length === 1 ? `, ${steps[0].toLocaleString('en')} steps` : ''}</span>
                </th>
              </tr>
              <tr>
                <th scope="col">Gflops</th>
                <th scope="col">params</th>
                <th scope="col">FID-50K</th>
                <th scope="col">Mflops</th>
                <th scope="col">params</th>
                <th scope="col">FLD</th>
                <th scope="col">
                  <abbr title="conditional accuracy">acc.</abbr>
                </th>
              </tr>
            </thead>
            <tbody>
              {PAPER_CONDITIONING.map((p) => {
                const e = ours(p.conditioning);
                return (
                  <tr key={p.conditioning} data-conditioning={p.conditioning} data-trained={e ? 'true' : 'false'}>
                    <th scope="row">
                      <LineSwatch {...VARIANT_STYLE[p.conditioning]} /> {p.conditioning}
                    </th>
                    <td>{p.gflops.toFixed(2)}</td>
                    <td>{p.paramsM}M</td>
                    <td>{p.fid.toFixed(2)}</td>
                    {e ? (
                      <>
                        <td>{(e.gflops! * 1e3).toFixed(2)}</td>
                        <td>{fmtParams(e.parameters)}</td>
                        <td data-testid={`cc-fld-${p.conditioning}`}>{e.scores ? e.scores.fld.toFixed(1) : '–'}</td>
                        <td>{e.scores ? fmtPct(e.scores.conditionalAccuracy) : '–'}</td>
                      </>
                    ) : (
                      <td colSpan={4} className={styles.missing}>
                        {missingText}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {/* Outside the scrolling box: on a phone the note wraps to the widget instead of scrolling with the table. */}
        <p className={results.note}>
          Paper: {PAPER_CITATION} and section 5 (256×256 ImageNet, no guidance). Ours: FLD (Fréchet LeNet distance, not FID) and conditional accuracy of each
          shipped model, as measured when it was shipped
          {floors.length > 0
            ? `; FLD floors ${floors.map((f) => f.toFixed(1)).join(' and ')} (real test digits and VAE reconstructions against the training digits)`
            : ''}
          .
        </p>
      </div>

      <div className={results.panes}>
        <figure className={results.pane}>
          <p className={results.paneTitle}>Paper: FID-50K by block (lower is better)</p>
          <ScoreBars
            id="cc-paper-bars"
            bars={PAPER_CONDITIONING.map((p) => ({ key: p.conditioning, label: p.conditioning, value: p.fid, color: VARIANT_STYLE[p.conditioning].color }))}
            axisLabel={`FID-50K (${PAPER_CITATION})`}
            description={`FID-50K of DiT-XL/2 after 400K steps by conditioning block, ${PAPER_CITATION}: ${PAPER_CONDITIONING.map((p) => `${p.conditioning} ${p.fid}`).join(', ')}.`}
            format={(v) => v.toFixed(2)}
          />
        </figure>
        <figure className={results.pane}>
          <p className={results.paneTitle}>DiT Lab: FLD by block (lower is better)</p>
          <ScoreBars
            id="cc-ours-bars"
            bars={CONDITIONINGS.map((c) => ({ key: c, label: c, value: ours(c)?.scores?.fld ?? null, color: VARIANT_STYLE[c].color }))}
            refLines={floors.map((f) => ({ value: f, label: `FLD floor ${f.toFixed(1)}` }))}
            axisLabel={evalN ? `FLD of ${evalN.toLocaleString('en')} samples` : 'FLD'}
            description={
              s.shipped.length === 0
                ? 'No model of the conditioning set is trained yet.'
                : `FLD by conditioning block: ${CONDITIONINGS.map((c) => `${c} ${ours(c)?.scores ? ours(c)!.scores!.fld.toFixed(1) : 'not trained yet'}`).join(', ')}.`
            }
            format={(v) => v.toFixed(1)}
          />
        </figure>
      </div>

      {lossSeries.length > 0 && (
        <figure className={`${results.pane} ${results.lossPane}`}>
          <p className={results.paneTitle}>Training loss, same axes</p>
          <LossChart
            id="cc-loss"
            series={lossSeries}
            description={`Training loss against step for ${lossSeries.map((l) => `${l.key} (ends at ${l.points.at(-1)!.loss.toFixed(3)})`).join(', ')}.`}
          />
          <ul className={results.legend}>
            {lossSeries.map((l) => (
              <li key={l.key}>
                <LineSwatch color={l.color} dash={l.dash} /> {l.key}
              </li>
            ))}
          </ul>
        </figure>
      )}

      <section className={styles.samples} aria-label="Live samples from each conditioning model">
        <p className={results.paneTitle}>Live samples: the same class and the same noise through each model</p>
        {s.shipped.length > 0 ? (
          <>
            <div className={controls.controls}>
              <ClassSelect label="Digit" random={false} value={s.settings.label} onChange={(label) => s.update({ label })} testId="cc-class" />
              <NumberSelect
                label="Guidance scale"
                value={s.settings.guidance}
                options={GUIDANCE_OPTIONS}
                onChange={(guidance) => s.update({ guidance })}
                testId="cc-guidance"
              />
              <NumberSelect label="Sampler" value={s.settings.steps} options={STEPS_OPTIONS} onChange={(steps) => s.update({ steps })} testId="cc-steps" />
              <div className={styles.seed}>
                <span className={styles.seedLabel}>Seed</span>
                <output data-testid="cc-seed">{s.settings.seed}</output>
                <button type="button" className={controls.button} onClick={() => s.update({ seed: rerollSeed(s.settings.seed) })} data-testid="cc-reroll">
                  New noise
                </button>
              </div>
            </div>
            <BackendLine backend={s.backend} />
            {backendError && (
              <p className={`${controls.inlineError} ${controls.small}`} role="alert">
                <strong>{backendError.title}</strong> {backendError.detail}
              </p>
            )}
            <SettingLink prefix="cc" spec={CC_URL} settings={s.settings} problems={s.urlProblems} />
          </>
        ) : (
          <p className={results.note} data-testid="cc-no-samples">
            Samples appear here, side by side, once the conditioning models are trained.
          </p>
        )}
        <div className={styles.sampleRow}>
          {CONDITIONINGS.map((c) => {
            const e = ours(c);
            return e ? (
              <SampleColumn key={c} conditioning={c} entry={e} run={s.runs[c]} label={s.settings.label} />
            ) : (
              <figure key={c} className={styles.sampleCol} data-conditioning={c} data-status="missing">
                <div className={styles.placeholder}>{missingText}</div>
                <figcaption>{c}</figcaption>
              </figure>
            );
          })}
        </div>
      </section>
    </div>
  );
}

function SampleColumn({ conditioning, entry, run, label }: { conditioning: Conditioning; entry: ModelIndexEntry; run: VariantRun | undefined; label: number }) {
  const status = run?.status ?? 'waiting';
  const err = run?.error ? describeError(run.error.kind, run.error.message) : null;
  const word =
    status === 'waiting'
      ? 'waiting for its turn'
      : status === 'loading'
        ? 'loading weights…'
        : status === 'sampling'
          ? `step ${run!.step} / ${run!.totalSteps}`
          : status === 'done'
            ? `${run!.msPerStep?.toFixed(0) ?? '–'} ms per step`
            : 'failed';
  return (
    <figure className={styles.sampleCol} data-conditioning={conditioning} data-status={status} data-model={entry.folder}>
      <PictureGrid
        values={run?.images ?? null}
        count={SAMPLES_PER_MODEL}
        cols={2}
        label={`${SAMPLES_PER_MODEL} samples of the digit ${label} from the ${conditioning} model${status === 'done' ? '' : ' (not finished)'}`}
        className={styles.sampleGrid}
        testId={`cc-grid-${conditioning}`}
      />
      <figcaption>
        <strong>{conditioning}</strong>
        <span className={styles.sampleStatus}>{word}</span>
        {err && (
          <span className={styles.sampleError} role="alert">
            {err.title} {err.detail}
          </span>
        )}
      </figcaption>
    </figure>
  );
}

function IndexStatus({ s }: { s: ReturnType<typeof useConditioningCompare> }) {
  if (s.index.status === 'loading') return <p className={results.note}>Reading the list of trained models…</p>;
  if (s.index.status === 'error') {
    return (
      <p className={`${controls.inlineError} ${controls.small}`} role="alert" data-testid="cc-index-error">
        <strong>The list of trained models could not be read:</strong> {s.index.problem}. The paper&apos;s numbers below do not depend on it.
      </p>
    );
  }
  return (
    <p className={results.status} data-testid="cc-status">
      <strong>
        {s.shipped.length} of {CONDITIONINGS.length} conditioning models trained.
      </strong>{' '}
      {s.missing.length > 0 ? (
        <>
          Not yet: {s.missing.join(', ')}. Train them with <code>{TRAIN_CONDITIONING_COMMAND}</code>.
        </>
      ) : (
        'All four are trained with the same budget, data order and seed.'
      )}
    </p>
  );
}
