import { describe, expect, test } from 'vitest';
import { PNG } from 'pngjs';
import { encodeGreyPng, toGrey } from '@/components/site/png';
import { widgetsIn, WIDGET_TITLES } from '@/components/site/book';
import { forwardStripFrames, STRIP_TIMESTEPS } from '@/components/site/ForwardStrip';
import { MDX_COMPONENT_NAMES } from '@/lib/mdx-names';

describe('home page pieces', () => {
  test('encodeGreyPng: a PNG decoder reads back every grey value', () => {
    const w = 5;
    const h = 3;
    const grey = Uint8Array.from({ length: w * h }, (_, i) => (i * 17) % 256);
    const png = PNG.sync.read(Buffer.from(encodeGreyPng(w, h, grey)));
    expect([png.width, png.height]).toEqual([w, h]);
    for (let i = 0; i < w * h; i++) {
      expect(png.data[4 * i]).toBe(grey[i]);
      expect(png.data[4 * i + 3]).toBe(255);
    }
    expect(() => encodeGreyPng(2, 2, new Uint8Array(3))).toThrow();
  });

  test('toGrey: [-1, 1] maps to [0, 255], clipped outside', () => {
    expect(Array.from(toGrey([-2, -1, 0, 1, 3]))).toEqual([0, 0, 128, 255, 255]);
  });

  test('widgetsIn: the widgets a chapter uses, in order, once each, ignoring prose components', () => {
    const src = 'Text <Figure caption="a">\n\n<ForwardDiffusion />\n\n</Figure> <Eq id="x"> <NoiseScheduleExplorer/> and <ForwardDiffusion />';
    expect(widgetsIn(src)).toEqual(['ForwardDiffusion', 'NoiseScheduleExplorer']);
    expect(widgetsIn('no widgets <Callout kind="note">x</Callout>')).toEqual([]);
    // A longer name that starts with a widget's name is not that widget.
    expect(widgetsIn('<ForwardDiffusionX />')).toEqual([]);
  });

  test('every registered widget has a title for the chapter list', () => {
    const prose = new Set(['Eq', 'EqRef', 'Callout', 'Figure', 'Recap', 'References', 'DitPipeline', 'PatchGrid', 'AdaLNZeroBlock', 'Exercise', 'CodeCell']);
    expect(Object.keys(WIDGET_TITLES).sort()).toEqual(MDX_COMPONENT_NAMES.filter((n) => !prose.has(n)).sort());
  });

  test('q-sample: the opening strip goes from the clean digit to noise', () => {
    const frames = forwardStripFrames();
    expect(frames.map((f) => f.t)).toEqual([...STRIP_TIMESTEPS]);
    const pixels = frames.map((f) => PNG.sync.read(Buffer.from(f.src.replace(/^data:image\/png;base64,/, ''), 'base64')).data);
    // x_0 is a digit on a black background: mostly pure black; x_T is noise: few pure-black pixels.
    const black = (d: Buffer) => {
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] === 0) n++;
      return n / (d.length / 4);
    };
    expect(black(pixels[0])).toBeGreaterThan(0.6);
    expect(black(pixels[pixels.length - 1])).toBeLessThan(0.35);
    expect(frames.every((f) => f.alt.length > 5)).toBe(true);
  });
});
