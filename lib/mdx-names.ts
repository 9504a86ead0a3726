/**
 * Every tag a chapter may use. mdx-components.tsx must register exactly these (TypeScript checks it),
 * and the chapter pipeline (lib/mdx-pipeline.ts) rejects any other capitalised tag with its line
 * number. To add a widget: add its name here and its component to mdx-components.tsx.
 *
 * No React imports here: scripts/check-chapters.ts reads this list in plain Node.
 */
export const MDX_COMPONENT_NAMES = [
  // prose (components/mdx/)
  'Eq',
  'EqRef',
  'Callout',
  'Figure',
  'Recap',
  'References',
  // exercises (components/exercises/): text rendered at build time, answers checked in the browser
  'Exercise',
  'CodeCell',
  // static figures (components/mdx/): server-rendered SVG, no client JS
  'DitPipeline',
  'PatchGrid',
  'AdaLNZeroBlock',
  // widgets (components/widgets/<Name>/)
  'NoiseScheduleExplorer',
  'ForwardDiffusion',
  'ReverseSampler',
  'GuidanceSweep',
  'ScalingChart',
  'ConditioningCompare',
  'PatchifyExplorer',
  'FlowPaths',
  'SpacetimePatches',
  'AttentionMaps',
  'TrainInBrowser',
] as const;

export type MdxComponentName = (typeof MDX_COMPONENT_NAMES)[number];
