/**
 * The one registry of every tag a chapter may use (names in lib/mdx-names.ts). The
 * `satisfies` below makes TypeScript fail when a name is registered here but not listed there, or
 * listed but not registered.
 *
 * No widget imports TensorFlow.js: the model and trainer workers do (lib/runtime), and a widget
 * starts its worker only when it comes near the viewport, so widgets are registered directly and a
 * page without one downloads no tfjs.
 */
import type { ComponentProps, ComponentType } from 'react';
import type { MDXComponents } from 'mdx/types';
import { Eq, EqRef } from '@/components/mdx/Eq';
import { Callout, Figure, Recap, References, Table } from '@/components/mdx/Prose';
import { DitPipeline } from '@/components/mdx/DitPipeline';
import { PatchGrid } from '@/components/mdx/PatchGrid';
import { AdaLNZeroBlock } from '@/components/mdx/AdaLNZeroBlock';
import { Exercise } from '@/components/exercises/Exercise';
import { CodeCell } from '@/components/code/CodeCell';
import type { MdxComponentName } from '@/lib/mdx-names';
import { NoiseScheduleExplorer } from '@/components/widgets/NoiseScheduleExplorer/NoiseScheduleExplorer';
import { ForwardDiffusion } from '@/components/widgets/ForwardDiffusion/ForwardDiffusion';
// The sampling widgets import no tfjs: their model worker does, and only once a widget nears the viewport.
import { ReverseSampler } from '@/components/widgets/ReverseSampler/ReverseSampler';
import { GuidanceSweep } from '@/components/widgets/GuidanceSweep/GuidanceSweep';
// The trainer imports no tfjs either: its own worker does (lib/worker/trainer.worker.ts).
import { TrainInBrowser } from '@/components/widgets/TrainInBrowser/TrainInBrowser';
// Results widgets: plain SVG from the models index; ConditioningCompare samples through the same worker.
import { ScalingChart } from '@/components/widgets/ScalingChart/ScalingChart';
import { ConditioningCompare } from '@/components/widgets/ConditioningCompare/ConditioningCompare';
// The look-inside widgets import no tfjs: they ask the same model worker (encode, attention requests).
import { PatchifyExplorer } from '@/components/widgets/PatchifyExplorer/PatchifyExplorer';
import { AttentionMaps } from '@/components/widgets/AttentionMaps/AttentionMaps';
// Chapter 10's toy runs in the page: 48 paths of at most 50 steps, a fraction of a millisecond.
import { FlowPaths } from '@/components/widgets/FlowPaths/FlowPaths';
import { SpacetimePatches } from '@/components/widgets/SpacetimePatches/SpacetimePatches';

const registered = {
  Eq,
  EqRef,
  Callout,
  Figure,
  Recap,
  References,
  Exercise,
  CodeCell,
  DitPipeline,
  PatchGrid,
  AdaLNZeroBlock,
  NoiseScheduleExplorer,
  ForwardDiffusion,
  ReverseSampler,
  GuidanceSweep,
  ScalingChart,
  ConditioningCompare,
  PatchifyExplorer,
  AttentionMaps,
  TrainInBrowser,
  FlowPaths,
  SpacetimePatches,
} satisfies Record<MdxComponentName, ComponentType<never>>; // never: any props (each widget has its own)

/** Registered tags plus overrides of plain markdown elements. */
export const mdxComponents: MDXComponents = {
  ...registered,
  table: Table,
  // A code block scrolls sideways when a line is long: the keyboard must reach it too (WCAG 2.1.1).
  pre: (props: ComponentProps<'pre'>) => <pre tabIndex={0} {...props} />,
};

/** The @next/mdx convention, for tools that look for it. */
export function useMDXComponents(components: MDXComponents = {}): MDXComponents {
  return { ...mdxComponents, ...components };
}
