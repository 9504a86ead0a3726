'use client';
import { Sym } from '@/components/widgets/shared/Sym';
import { useRef } from 'react';
import { ClassSelect, RangeControl } from '@/components/widgets/shared/RangeControl';
import controls from '@/components/widgets/shared/controls.module.css';
import { widgetError } from '../shared/use-model-worker';
import { BackendLine, ErrorBox, ProgressLine, SeedControl, workAttributes, frameAttributes } from '../shared/StatusParts';
import { PictureGrid } from '../shared/PictureGrid';
import { STEPS_RANGE } from '../ReverseSampler/use-reverse-sampler';
import { GS_URL, SWEEP_SCALES, SWEEP_SEEDS, useGuidanceSweep, type SweepSettings } from './use-guidance-sweep';
import { SettingLink } from '../shared/SettingLink';
import styles from './GuidanceSweep.module.css';

/**
 * Classifier-free guidance side by side: each column is one seed (one x_T), each row one guidance
 * scale s, all sampled with deterministic DDIM by the project's DiT in the page's model worker.
 */
export function GuidanceSweep({ model, initial }: { model?: string; initial?: Partial<SweepSettings> }) {
  const root = useRef<HTMLDivElement>(null);
  const s = useGuidanceSweep(root, { model, initial });
  const { settings, run } = s;
  const err = widgetError(run, s.backend);
  return (
    <div ref={root} {...frameAttributes('guidance-sweep', 'gs', styles.root)} {...workAttributes(run, s.backend)} data-step={run.step}>
      <div className={controls.controls}>
        <ClassSelect value={settings.label} onChange={(label) => s.update({ label })} testId="gs-class" />
        <RangeControl
          label="DDIM steps"
          value={settings.steps}
          min={STEPS_RANGE.min}
          max={STEPS_RANGE.max}
          onChange={(v) => s.update({ steps: v })}
          valueText={`${settings.steps} steps`}
          testId="gs-steps"
        />
        <SeedControl
          label="Seeds"
          value={`${settings.seed * SWEEP_SEEDS}–${settings.seed * SWEEP_SEEDS + SWEEP_SEEDS - 1}`}
          onReroll={s.reroll}
          button="New seeds"
          testId="gs"
        />
      </div>
      <div className={controls.status}>
        <BackendLine backend={s.backend} />
        <ProgressLine run={run} />
      </div>
      <SettingLink prefix="gs" spec={GS_URL} settings={settings} problems={s.urlProblems} />
      <div className={styles.sweep}>
        <div className={styles.rowLabels} aria-hidden="true" style={{ gridTemplateRows: `repeat(${SWEEP_SCALES.length}, 1fr)` }}>
          {SWEEP_SCALES.map((g) => (
            <span key={g}>
              <var>s</var> = {g}
            </span>
          ))}
        </div>
        <PictureGrid
          values={run.grid}
          count={SWEEP_SCALES.length * SWEEP_SEEDS}
          cols={SWEEP_SEEDS}
          gap={2}
          label={`Guidance sweep: ${SWEEP_SEEDS} seeds (columns) under guidance scales ${SWEEP_SCALES.join(', ')} (rows, top to bottom)${run.status === 'done' ? '' : ', predicted x_0 while sampling'}`}
          className={styles.grid}
          testId="gs-grid"
        />
      </div>
      <p className={styles.caption}>
        One column, one starting noise <Sym v="x" sub="T" />; down a column only <var>s</var> changes (deterministic DDIM, <var>η</var> = 0).
      </p>
      {err && <ErrorBox title={err.title} detail={err.detail} />}
    </div>
  );
}
