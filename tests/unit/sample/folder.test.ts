import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { getPreset } from '@/lib/dit/config';
import { betaSchedule } from '@/lib/diffusion/schedules';
import { DEFAULT_VAE, ditFolderFacts, folderBetas, localPath, repoPath, sitePath, vaeScaleFactor } from '@/lib/sample/folder';
import type { WeightsManifestFile } from '@/lib/weights';

const config = getPreset('DiT-mini-B/2');
const modelJson = (meta: Record<string, unknown> = {}): WeightsManifestFile =>
  ({
    format: 'layers-model',
    modelTopology: null,
    weightsManifest: [],
    userDefinedMetadata: { kind: 'DiT', config, ...meta },
  }) as unknown as WeightsManifestFile;

describe('the model-folder format, read by one rule', () => {
  it('VAE folder: model.json metadata, then manifest.json latents (or data.latents), then the default', () => {
    expect(ditFolderFacts(modelJson({ vae: 'models/vae-a' }), { latents: { vae: 'public/models/vae-b' } }).vae).toBe('models/vae-a');
    expect(ditFolderFacts(modelJson(), { latents: { vae: 'public/models/vae-b' } }).vae).toBe('models/vae-b');
    expect(ditFolderFacts(modelJson(), { data: { latents: { vae: 'public/models/preview-dev-v1' } } }).vae).toBe('models/preview-dev-v1');
    expect(ditFolderFacts(modelJson(), null).vae).toBe(DEFAULT_VAE);
    // Node reads it where it was recorded: a repository path, or an absolute one from a rehearsal.
    const recorded = ditFolderFacts(modelJson(), { latents: { vae: '/tmp/rehearsal/models/vae-v1' } }).vaeRecorded;
    expect(localPath(recorded)).toBe('/tmp/rehearsal/models/vae-v1');
    expect(localPath('models/vae-v1')).toBe('public/models/vae-v1');
  });

  it('scale factor: the DiT folder first (metadata, then latents), else null for the VAE folder to state', () => {
    expect(ditFolderFacts(modelJson({ scaleFactor: 0.5 }), { latents: { scaleFactor: 0.7 } }).scaleFactor).toBe(0.5);
    expect(ditFolderFacts(modelJson(), { latents: { scaleFactor: 0.7 } }).scaleFactor).toBe(0.7);
    expect(ditFolderFacts(modelJson({ scaleFactor: -1 }), { latents: { scaleFactor: 'x' } }).scaleFactor).toBeNull();
    expect(vaeScaleFactor(modelJson({ scaleFactor: 0.81 }))).toBe(0.81);
    expect(vaeScaleFactor(modelJson({ scaleFactor: Infinity }))).toBeNull();
  });

  it("schedule and preset: DiT's linear 1,000 steps and the preset the config matches, unless stated", () => {
    const f = ditFolderFacts(modelJson(), null);
    expect([f.schedule, f.numTimesteps, f.preset]).toEqual(['linear', 1000, 'DiT-mini-B/2']);
    expect(Array.from(folderBetas(f))).toEqual(Array.from(betaSchedule('linear', 1000)));
    const g = ditFolderFacts(modelJson({ schedule: 'cosine', numTimesteps: 500, preset: 'mine' }), { preset: 'other' });
    expect([g.schedule, g.numTimesteps, g.preset]).toEqual(['cosine', 500, 'mine']);
    expect(() => ditFolderFacts({ ...modelJson(), userDefinedMetadata: { kind: 'VAE' } } as WeightsManifestFile, null)).toThrow(/no DiT configuration/);
  });

  it('paths: site and repository forms of the same folder', () => {
    expect(sitePath('public/models/vae-v1')).toBe('models/vae-v1');
    expect(sitePath('./public/models/vae-v1')).toBe('models/vae-v1');
    expect(sitePath('/models/vae-v1')).toBe('models/vae-v1');
    expect(repoPath('models/vae-v1')).toBe('public/models/vae-v1');
  });

  it('the shipped default model samples with the shipped VAE and its scale factor', () => {
    const read = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
    const f = ditFolderFacts(read('public/models/dit-default-v1/model.json'), read('public/models/dit-default-v1/manifest.json'));
    expect(f.vae).toBe('models/vae-v1');
    const vaeScale = vaeScaleFactor(read('public/models/vae-v1/model.json'));
    expect(f.scaleFactor ?? vaeScale).toBeCloseTo(0.8118, 4);
  });
});
