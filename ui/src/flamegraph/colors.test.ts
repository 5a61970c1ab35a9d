import { describe, expect, it } from 'vitest';
import { diffRgb, legendStops, packageOf } from './colors';
import { relativeChange } from './table';

describe('packageOf', () => {
  it.each([
    ['java/util/regex/Pattern$Slice.match', 'java/util/regex'],
    ['org.apache.kafka.common.Utils.sleep', 'org.apache.kafka.common'],
    ['github.com/grafana/pyroscope/pkg/model.(*Tree).Insert', 'github.com/grafana/pyroscope/pkg/model'],
    ['runtime.mallocgc', 'runtime'],
    ['main.work', 'main'],
    ['backtrace::backtrace::libunwind::trace', 'backtrace::backtrace::libunwind'],
    ['WebApplication1.Controllers!CpuController.fib', 'WebApplication1.Controllers'],
    ['lib/utility/utility.py:-1 - find_nearest_vehicle', 'lib/utility/utility.py'],
    ['./index.js:(anonymous):19', './index.js'],
    ['[unknown]', '[unknown]'],
  ])('%s → %s', (name, pkg) => {
    expect(packageOf(name)).toBe(pkg);
  });
});

// Viénot, Brettel & Mollon (1999) deuteranopia simulation on linear RGB: how a person without
// green cones sees a colour. Used to check that diff colours stay apart for them.
function deuteranope(rgb: number[]): number[] {
  const lin = rgb.map((c) => { const s = c / 255; return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
  const [r, g, b] = lin;
  return [0.29275 * r + 0.70725 * g, 0.29275 * r + 0.70725 * g, -0.02234 * r + 0.02234 * g + b];
}
const distance = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]));

describe('diff colours', () => {
  it('maps the relative change of a share onto the palette', () => {
    expect(relativeChange(2, 1, 4, 8)).toBe(-0.75);
    expect(relativeChange(0, 4, 4, 8)).toBe(Infinity);
    expect(relativeChange(2, 0, 4, 8)).toBe(-1);
    expect(relativeChange(2, 4, 4, 8)).toBe(0);
    expect(diffRgb(0, 'blue-red', true)).toEqual([110, 110, 118]);
    expect(diffRgb(Infinity, 'blue-red', true)).toEqual([202, 0, 32]);
    expect(diffRgb(-1, 'blue-red', false)).toEqual([33, 102, 172]);
    expect(diffRgb(-0.5, 'blue-red', false)).toEqual([117, 151, 189]);
  });

  it('keeps "less" and "more" apart for deuteranopes with the default palette, unlike green-red', () => {
    const blueRed = distance(deuteranope(diffRgb(-1, 'blue-red', true)), deuteranope(diffRgb(1, 'blue-red', true)));
    const greenRed = distance(deuteranope(diffRgb(-1, 'green-red', true)), deuteranope(diffRgb(1, 'green-red', true)));
    expect(blueRed).toBeGreaterThan(0.3);
    expect(greenRed).toBeLessThan(blueRed / 2);
  });

  it('labels the legend from -100 % to +100 %', () => {
    const stops = legendStops('blue-red', true);
    expect(stops[0].label).toBe('-100%');
    expect(stops[3].label).toBe('0%');
    expect(stops[6].label).toBe('+100%');
  });
});
