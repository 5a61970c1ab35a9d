import { describe, expect, it } from 'vitest';
import { decodeDiff } from './model';
import { relativeChange, sortRows, topTable } from './table';
import { fromFolded, layout } from './tree';
import { exactTerm, searchNames } from './search';

describe('topTable', () => {
  it('sums self per function and counts a recursive function once per stack', () => {
    const m = layout(fromFolded('main;f;g;f 4\nmain;f 2\nmain;h;f 1\nmain 3'));
    const rows = Object.fromEntries(topTable(m).map((r) => [r.name, [r.self, r.total]]));
    expect(rows).toEqual({ main: [3, 10], f: [7, 7], g: [0, 4], h: [0, 1] });
  });

  it('leaves the root and the synthetic other out', () => {
    const m = layout(fromFolded('main;a 5\nmain;other 2'));
    expect(topTable(m).map((r) => r.name).sort()).toEqual(['a', 'main']);
  });

  it('sorts by self, total or name, ties by name', () => {
    const m = layout(fromFolded('a;b 5\na;c 5\nd 7'));
    const rows = topTable(m);
    expect(sortRows(rows, 'self', true).map((r) => r.name)).toEqual(['d', 'b', 'c', 'a']);
    expect(sortRows(rows, 'total', true).map((r) => r.name)).toEqual(['a', 'd', 'b', 'c']);
    expect(sortRows(rows, 'name', false).map((r) => r.name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('gives both sides per function in a diff', () => {
    const m = decodeDiff({
      names: ['total', 'main', 'a'],
      levels: [{ values: [0, 4, 0, 0, 8, 0, 0] }, { values: [0, 4, 2, 0, 8, 4, 1] }, { values: [2, 2, 2, 4, 4, 4, 2] }],
      leftTicks: 4, rightTicks: 8,
    });
    const a = topTable(m).find((r) => r.name === 'a')!;
    expect([a.leftSelf, a.leftTotal, a.rightSelf, a.rightTotal]).toEqual([2, 2, 4, 4]);
    expect(relativeChange(a.leftTotal!, a.rightTotal!, 4, 8)).toBe(0);
  });

  it('sorts a diff by either side\'s share or by the change', () => {
    // Baseline: main;a 3, main;b 1 (4 ticks). Comparison: main;a 2, main;b 6 (8 ticks).
    const m = decodeDiff({
      names: ['total', 'main', 'a', 'b'],
      levels: [{ values: [0, 4, 0, 0, 8, 0, 0] }, { values: [0, 4, 0, 0, 8, 0, 1] },
        { values: [0, 3, 3, 0, 2, 2, 2, 0, 1, 1, 0, 6, 6, 3] }],
      leftTicks: 4, rightTicks: 8,
    });
    const rows = topTable(m).filter((r) => r.name !== 'main');
    expect(sortRows(rows, 'left', true, 4, 8).map((r) => r.name)).toEqual(['a', 'b']);
    expect(sortRows(rows, 'right', true, 4, 8).map((r) => r.name)).toEqual(['b', 'a']);
    // b: 1/4 → 6/8 is +200 %; a: 3/4 → 2/8 is -66.7 %.
    expect(sortRows(rows, 'diff', true, 4, 8).map((r) => r.name)).toEqual(['b', 'a']);
  });
});

describe('search', () => {
  const names = ['total', 'java/util/regex/Pattern$Slice.match', 'java/lang/Thread.run', 'main.work', 'a(b'];

  it('matches case-insensitive regular expressions, comma-separated', () => {
    expect(Array.from(searchNames(names, 'PATTERN.*match').names)).toEqual([0, 1, 0, 0, 0]);
    expect(Array.from(searchNames(names, '^java/lang, main\\.').names)).toEqual([0, 0, 1, 1, 0]);
  });

  it('falls back to a substring for an invalid expression and never matches the root', () => {
    const s = searchNames(names, 'a(b');
    expect(Array.from(s.names)).toEqual([0, 0, 0, 0, 1]);
    expect(s.literal).toEqual(['a(b']);
    expect(Array.from(searchNames(names, 'total').names)).toEqual([0, 0, 0, 0, 0]);
  });

  it('is inactive when empty, and an exact term matches only that name', () => {
    expect(searchNames(names, ' , ').active).toBe(false);
    expect(Array.from(searchNames(names, exactTerm('java/util/regex/Pattern$Slice.match')).names)).toEqual([0, 1, 0, 0, 0]);
  });
});
