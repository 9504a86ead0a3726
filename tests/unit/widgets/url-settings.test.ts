import { describe, expect, it } from 'vitest';
import { readUrlSettings, urlWithSettings, type UrlSpec } from '@/lib/url-settings';
import { DEFAULT_SETTINGS, RS_URL } from '@/components/widgets/ReverseSampler/use-reverse-sampler';
import { DEFAULT_ATTENTION, AM_URL } from '@/components/widgets/AttentionMaps/use-attention-maps';
import { CC_URL, DEFAULT_COMPARE } from '@/components/widgets/ConditioningCompare/use-conditioning-compare';
import { GS_URL } from '@/components/widgets/GuidanceSweep/use-guidance-sweep';
import { FD_URL } from '@/components/widgets/ForwardDiffusion/use-forward-diffusion';
import { NSE_URL } from '@/components/widgets/NoiseScheduleExplorer/use-noise-schedule-explorer';
import { PE_URL } from '@/components/widgets/PatchifyExplorer/use-patchify-explorer';
import { TIB_URL } from '@/components/widgets/TrainInBrowser/use-train-in-browser';
import { SC_URL } from '@/components/widgets/ScalingChart/use-scaling-chart';
import { DEFAULT_TRAINER_SETTINGS } from '@/lib/train/browser-recipe';

interface S {
  n: number;
  g: number;
  mode: string;
  p: number;
}
const SPEC: UrlSpec<S> = {
  n: { kind: 'int', label: 'steps', min: 10, max: 250 },
  g: { kind: 'number', label: 'guidance', min: 0, max: 10, step: 0.5 },
  mode: { kind: 'enum', label: 'sampler', values: ['ddim', 'ddpm'] },
  p: { kind: 'int', label: 'patch', min: 1, max: 4, only: [1, 2, 4] },
};

describe('settings in the address', () => {
  it('reads valid values of each kind', () => {
    expect(readUrlSettings('?x.n=20&x.g=4.5&x.mode=ddpm&x.p=4&other=1&backend=wasm', 'x', SPEC)).toEqual({
      patch: { n: 20, g: 4.5, mode: 'ddpm', p: 4 },
      problems: [],
    });
  });

  it.each([
    ['x.n=abc', /steps: “abc” is not a whole number from 10 to 250/],
    ['x.n=9', /not a whole number from 10 to 250/],
    ['x.n=1e3', /not a whole number/],
    ['x.g=4.3', /not on the slider's steps of 0.5/],
    ['x.g=NaN', /not a number from 0 to 10/],
    ['x.mode=euler', /not one of ddim, ddpm/],
    ['x.p=3', /not one of 1, 2, 4/],
    ['x.zz=1', /“zz” is not a setting/],
    [`x.n=${'9'.repeat(40)}`, /too long/],
    ['x.mode=%3Cimg%20src%3Dx%3E', /“<img src=x>” is not one of/],
    ['x.mode=%3Cscript%3Ealert(1)%3C%2Fscript%3E', /too long/],
    ['x.n=%E2%80%AE12', /“\?12” is not/],
  ])('refuses %s with a sentence and keeps the default', (q, why) => {
    const r = readUrlSettings(`?${q}`, 'x', SPEC);
    expect(r.patch).toEqual({});
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(why);
  });

  it('does not read an address that is absurdly long', () => {
    const r = readUrlSettings(`?x.n=20&pad=${'a'.repeat(5000)}`, 'x', SPEC);
    expect(r.patch).toEqual({});
    expect(r.problems[0]).toMatch(/too long/);
  });

  it('a number from a list takes only the listed values', () => {
    expect(readUrlSettings('?tib.lr=0.002', 'tib', TIB_URL).patch).toEqual({ lr: 0.002 });
    expect(readUrlSettings('?tib.lr=0.003', 'tib', TIB_URL).problems[0]).toMatch(/peak learning rate: 0.003 is not one of/);
  });

  it('ignores properties of Object.prototype named as settings', () => {
    expect(readUrlSettings('?x.constructor=1&x.__proto__=2', 'x', SPEC).patch).toEqual({});
  });

  it('writes the settings back, keeping other parameters, replacing its own and setting the anchor', () => {
    const url = urlWithSettings('https://example.org/chapters/a/?backend=wasm&x.n=99#top', 'x', SPEC, { n: 20, g: 4, mode: 'ddim', p: 2 }, 'w-x');
    expect(url).toBe('https://example.org/chapters/a/?backend=wasm&x.n=20&x.g=4&x.mode=ddim&x.p=2#w-x');
  });

  it.each([
    ['rs', RS_URL, { ...DEFAULT_SETTINGS, seed: 123, steps: 20, sampler: 'dpm++2m', guidance: 2.5, eta: 0.3, label: 7 }],
    ['am', AM_URL, { ...DEFAULT_ATTENTION, t: 999, query: 15, labelMode: 'null' }],
    ['cc', CC_URL, { ...DEFAULT_COMPARE, guidance: 1, steps: 10 }],
    ['gs', GS_URL, { label: 0, steps: 10, seed: 999999 }],
    ['fd', FD_URL, { digitClass: 9, sample: 3, t: 1000, schedule: 'scaled-linear', seed: 0 }],
    ['nse', NSE_URL, { t: 1, betaAxis: 'linear' }],
    ['pe', PE_URL, { digitClass: 0, sample: 1, p: 1, token: 63 }],
    ['tib', TIB_URL, { ...DEFAULT_TRAINER_SETTINGS, preset: 'DiT-mini-S/4', batchSize: 16, lr: 2e-4, sampleWeights: 'ema' }],
    ['sc', SC_URL, { connect: 'patch', y: 'log', paper: 'B/4', ours: 'none' }],
  ] as [string, UrlSpec<Record<string, unknown>>, Record<string, unknown>][])(
    'widget %s: a written link reads back to the same settings',
    (prefix, spec, settings) => {
      const url = new URL(urlWithSettings('https://example.org/c/', prefix, spec, settings, `w-${prefix}`));
      const r = readUrlSettings(url.search, prefix, spec);
      expect(r.problems).toEqual([]);
      expect(r.patch).toEqual(Object.fromEntries(Object.keys(spec).map((k) => [k, settings[k]])));
    },
  );
});
