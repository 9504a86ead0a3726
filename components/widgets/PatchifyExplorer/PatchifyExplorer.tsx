'use client';
import { Sym } from '@/components/widgets/shared/Sym';
import { useMemo, useRef } from 'react';
import { DigitPicker, RangeControl } from '@/components/widgets/shared/RangeControl';
import controls from '@/components/widgets/shared/controls.module.css';
import { TABLE_SIZES } from '@/lib/inspect/patchify';
import { widgetError } from '../shared/use-model-worker';
import { BackendLine, DigitsError, workAttributes, frameAttributes } from '../shared/StatusParts';
import { ChannelMap, DigitPatch, PositionMap, TokenMatrix, TokenVector, gridKeys, latentColour } from './PatchParts';
import { LATENT_CHANNELS, LATENT_SIDE, PE_URL, usePatchifyExplorer, type PatchSize } from './use-patchify-explorer';
import { SettingLink } from '../shared/SettingLink';
import styles from './PatchifyExplorer.module.css';

const PATCH_SIZES: PatchSize[] = [1, 2, 4];

function kb(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.round(n / 1024)} KB`;
}

function mflops(g: number): string {
  return (g * 1000).toFixed(g * 1000 >= 10 ? 1 : 2);
}

/**
 * Patchify on the project's own pipeline: a real MNIST test digit, its 8x8x4 latent from the shipped
 * VAE (encoded in the model worker), and the tokens a DiT with patch size p = 1, 2 or 4 makes of it,
 * beside the token count, the compute of DiT-mini-S/B/L at that p, and the similarity of the fixed 2D
 * sin-cos position codes.
 */
export function PatchifyExplorer() {
  const root = useRef<HTMLDivElement>(null);
  const s = usePatchifyExplorer(root);
  const colour = useMemo(() => latentColour(s.maxAbs), [s.maxAbs]);
  const keys = gridKeys(s.token, s.g, s.setToken);
  const { i, j } = { i: Math.floor(s.token / s.g), j: s.token % s.g };
  const err = widgetError(s.call, s.backend);
  const tokenLength = s.p * s.p * LATENT_CHANNELS;
  const channelValues = useMemo(
    () =>
      Array.from({ length: LATENT_CHANNELS }, (_, ch) =>
        s.latent ? Float32Array.from({ length: LATENT_SIDE * LATENT_SIDE }, (_, k) => s.latent![k * LATENT_CHANNELS + ch]) : null,
      ),
    [s.latent],
  );
  const rows = s.p; // latent rows (and columns) per patch
  const maxFlops = Math.max(...s.table.map((r) => r.gflops.L));

  return (
    <div
      ref={root}
      {...frameAttributes('patchify-explorer', 'pe', styles.root, true)}
      {...workAttributes(s.call, s.backend)}
      data-current={s.current ? 'true' : 'false'}
      data-p={s.p}
      data-token={s.token}
      data-digit-index={s.digitIndex}
    >
      <div className={controls.controls}>
        <DigitPicker {...s.picker} disabled={s.digits.status !== 'ready'} testIds={['pe-digit-class', 'pe-sample']} />
        <fieldset className={styles.patchSizes}>
          <legend>
            Patch size <var>p</var>
          </legend>
          {PATCH_SIZES.map((p) => (
            <label key={p} className={p === s.p ? styles.patchOn : undefined}>
              <input type="radio" name={`pe-p-${s.vae}`} value={p} checked={p === s.p} onChange={() => s.setP(p)} data-testid={`pe-p-${p}`} />
              {p}
            </label>
          ))}
        </fieldset>
        <RangeControl
          label="Token"
          value={s.token}
          min={0}
          max={s.T - 1}
          onChange={s.setToken}
          valueText={`token ${s.token} of ${s.T}: patch row ${i}, column ${j}`}
          display={`${s.token} · (${i}, ${j})`}
          testId="pe-token"
        />
      </div>

      <div className={controls.status}>
        <BackendLine backend={s.backend} />
        {s.call.status === 'loading' && s.call.total > 0 && (
          <div className={controls.progress} data-testid="pe-progress">
            <progress max={s.call.total} value={s.call.loaded} aria-label="Downloading the VAE's weights" />
            <span>
              VAE weights {kb(s.call.loaded)} of {kb(s.call.total)}
            </span>
          </div>
        )}
        {err && (
          <div className={controls.inlineError} role="alert" data-testid="widget-error">
            <strong>{err.title}</strong> {err.detail}. The patch grid, the table and the position codes still work; only the digit&apos;s latent is missing.
            Change the digit to try again, or reload the page.
          </div>
        )}
        {s.call.result && (
          <p className={controls.muted} data-testid="pe-encoded">
            Latent <var>z</var> = {s.call.result.scaleFactor.toFixed(3)} × mean of <var>E</var>(<var>x</var>), encoded in {s.call.result.ms.toFixed(0)} ms.
          </p>
        )}
      </div>

      <SettingLink prefix="pe" spec={PE_URL} settings={s.settings} problems={s.urlProblems} />

      <div className={styles.pipeline}>
        <figure className={styles.digitFig}>
          <DigitPatch
            pixels={s.pixels}
            p={s.p}
            token={s.token}
            side={LATENT_SIDE}
            label={`MNIST test digit ${s.digitClass}, with the ${4 * s.p}x${4 * s.p} pixels above token ${s.token} outlined`}
          />
          <figcaption>
            digit <var>x</var>, 32×32
          </figcaption>
        </figure>
        <span className={styles.arrow} aria-hidden="true">
          →
        </span>
        <figure className={styles.latentFig}>
          <div
            className={styles.channels}
            tabIndex={0}
            role="group"
            aria-label={`The latent's ${LATENT_CHANNELS} channels cut into ${s.T} patches of ${s.p}x${s.p}; token ${s.token} chosen. Arrow keys move between tokens.`}
            onKeyDown={keys}
            data-testid="pe-latent"
          >
            {channelValues.map((v, ch) => (
              <div key={ch} className={styles.channelBox}>
                <ChannelMap
                  values={v}
                  side={LATENT_SIDE}
                  p={s.p}
                  token={s.token}
                  colour={colour}
                  onToken={s.setToken}
                  channel={ch}
                  showIndices={ch === 0 || s.p > 1}
                />
                <span className={styles.channelLabel}>channel {ch}</span>
              </div>
            ))}
          </div>
          <figcaption>
            latent <var>z</var>, 8×8×4, cut into {s.g}×{s.g} patches: {s.T} tokens
          </figcaption>
        </figure>
      </div>

      <div className={styles.tokenRow}>
        <figure className={styles.vectorFig}>
          <figcaption>
            Token {s.token} = patch ({i}, {j}): latent rows {i * rows}–{(i + 1) * rows - 1}, columns {j * rows}–{(j + 1) * rows - 1}, all 4 channels, flattened
            to {tokenLength} numbers
          </figcaption>
          <TokenVector vector={s.vector} p={s.p} channels={LATENT_CHANNELS} colour={colour} token={s.token} />
        </figure>
        <figure className={styles.matrixFig}>
          <TokenMatrix matrix={s.matrix} tokens={s.T} width={tokenLength} colour={colour} token={s.token} onToken={s.setToken} />
          <figcaption>
            the sequence: {s.T} × {tokenLength}
          </figcaption>
        </figure>
      </div>

      <div className={styles.lower}>
        <div className={styles.tableBox}>
          <table className={styles.table} data-testid="pe-table">
            <caption>Tokens against compute on our 8×8×4 latent</caption>
            <thead>
              <tr>
                <th scope="col">
                  <var>p</var>
                </th>
                <th scope="col">
                  <var>T</var> ={' '}
                  <span className={styles.nowrap}>
                    (8/<var>p</var>)²
                  </span>
                </th>
                <th scope="col">
                  <var>p</var>²·4
                </th>
                {TABLE_SIZES.map((size) => (
                  <th scope="col" key={size}>
                    <span className={styles.nowrap}>
                      <span className={styles.mini}>mini-</span>
                      {size}/<var>p</var>
                    </span>{' '}
                    Mflops
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {s.table.map((r) => (
                <tr key={r.p} className={r.p === s.p ? styles.rowOn : undefined} aria-current={r.p === s.p ? 'true' : undefined} data-testid={`pe-row-${r.p}`}>
                  <th scope="row">{r.p}</th>
                  <td>{r.tokens}</td>
                  <td>{r.tokenLength}</td>
                  {TABLE_SIZES.map((size) => (
                    <td key={size} data-value={r.gflops[size]}>
                      <span className={styles.bar} style={{ width: `${(r.gflops[size] / maxFlops) * 100}%` }} aria-hidden="true" />
                      <span className={styles.barValue}>{mflops(r.gflops[size])}</span>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <p className={styles.note}>
            Mflops: millions of multiply-adds per forward pass (lib/dit/flops.ts, counted as the paper counts Gflops). Every row holds the same 256 numbers:{' '}
            <var>T</var> × <var>p</var>²·4 = 256.
          </p>
        </div>
        <figure className={styles.posFig}>
          <PositionMap sim={s.posSim} g={s.g} token={s.token} onToken={s.setToken} />
          <figcaption>
            Position code of token {s.token} against every position: <Sym v="e" sub="k" />·<var>e</var>
            <sub>{s.token}</sub> / (<var>D</var>/2), <var>D</var> = {s.posDim} (DiT-mini-B)
          </figcaption>
        </figure>
      </div>

      {s.digits.status === 'error' && (
        <DigitsError message={s.digits.message} testId="pe-digits-error">
          The patch grid, token counts and position codes still work.
        </DigitsError>
      )}
    </div>
  );
}
