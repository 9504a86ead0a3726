/** `presets`: every named DiT configuration with its Gflops and parameters. */
import { PRESETS, DEFAULT_MINI } from '../../lib/dit/config';
import { gflops, params } from '../../lib/dit/flops';
import { checkKnown } from './args';
import type { Command } from './types';

export const presetsCommand: Command = {
  name: 'presets',
  summary: 'list the DiT presets (paper models and the mini family)',
  usage: 'presets',
  run({ options }) {
    checkKnown(options, []);
    return {
      default: DEFAULT_MINI,
      presets: Object.entries(PRESETS).map(([name, c]) => ({ name, ...c, gflops: gflops(c), params: params(c) })),
    };
  },
};
