import { describe, expect, it } from 'vitest';
import { children, decodeDiff, decodeFlameGraph, findStack, focusView, inView, nodeAt, otherSummary, stackOf } from './model';
import { fromFolded, layout } from './tree';

// The worked example of the wire format: stacks main;a = 3 and main;b = 2.
const example = {
  names: ['total', 'main', 'b', 'a'],
  levels: [
    { values: ['0', '5', '0', '0'] },
    { values: ['0', '5', '0', '1'] },
    { values: ['0', '3', '3', '3', '0', '2', '2', '2'] },
  ],
  total: '5',
  maxSelf: '3',
};

describe('decodeFlameGraph', () => {
  it('decodes the delta-encoded 4-tuples of each level', () => {
    const m = decodeFlameGraph(example);
    expect(m.size).toBe(4);
    expect(m.depth).toBe(3);
    expect(m.rootTotal).toBe(5);
    expect(Array.from(m.levelStart)).toEqual([0, 1, 2, 4]);
    expect(Array.from(m.x)).toEqual([0, 0, 0, 3]);
    expect(Array.from(m.total)).toEqual([5, 5, 3, 2]);
    expect(Array.from(m.self)).toEqual([0, 0, 3, 2]);
    expect(Array.from(m.name).map((i) => m.names[i])).toEqual(['total', 'main', 'a', 'b']);
    expect(Array.from(m.parent)).toEqual([-1, 0, 1, 1]);
  });

  it('places children after the parent self and links them by containment', () => {
    // main has self 2, children a (3, with child x 1) and b (1); x of a = 2, of b = 5.
    const fg = {
      names: ['total', 'main', 'b', 'a', 'x'],
      levels: [
        { values: [0, 6, 0, 0] },
        { values: [0, 6, 2, 1] },
        { values: [2, 3, 2, 3, 0, 1, 1, 2] },
        { values: [4, 1, 1, 4] },
      ],
    };
    const m = decodeFlameGraph(fg);
    expect(Array.from(m.x)).toEqual([0, 0, 2, 5, 4]);
    expect(m.parent[4]).toBe(2); // x (at 4) lies inside a = [2, 5)
    expect(m.parent[3]).toBe(1);
    expect(stackOf(m, 4)).toEqual(['main', 'a', 'x']);
    expect(findStack(m, ['main', 'a', 'x'])).toBe(4);
    expect(findStack(m, ['main', 'nope'])).toBe(-1);
    expect(nodeAt(m, 2, 4.5)).toBe(2);
    expect(nodeAt(m, 2, 5)).toBe(3);
    expect(nodeAt(m, 2, 1)).toBe(-1); // main's own self: no child there
  });

  it('decodes the empty answer and a missing graph as an empty root', () => {
    const m = decodeFlameGraph({ names: ['total'], levels: [{ values: ['0', '0', '0', '0'] }], total: '0' });
    expect(m.rootTotal).toBe(0);
    expect(m.size).toBe(1);
    expect(decodeFlameGraph(undefined).size).toBe(0);
  });

  it('rejects a name index outside the names', () => {
    expect(() => decodeFlameGraph({ names: ['total'], levels: [{ values: [0, 1, 1, 3] }] })).toThrow(/names index 3/);
  });

  it('agrees with a layout built from the same stacks', () => {
    const m = layout(fromFolded('main;a 3\nmain;b 2'));
    const d = decodeFlameGraph(example);
    expect(Array.from(m.x)).toEqual(Array.from(d.x));
    expect(Array.from(m.total)).toEqual(Array.from(d.total));
    expect(Array.from(m.name).map((i) => m.names[i])).toEqual(Array.from(d.name).map((i) => d.names[i]));
  });

  it('counts what truncation folded into other', () => {
    const m = layout(fromFolded('main;a 10\nmain;other 3\nb;other 2\nc;other;x 1'));
    // "other" with a child is a real function, not the synthetic leaf.
    expect(otherSummary(m)).toEqual({ nodes: 2, total: 5 });
  });
});

describe('focus', () => {
  const m = layout(fromFolded('main;a;x 4\nmain;a;y 2\nmain;b 4\nother 1'));
  const a = findStack(m, ['main', 'a']);
  const b = findStack(m, ['main', 'b']);

  it('spans the focused node and keeps its ancestors in view', () => {
    const v = focusView(m, a);
    expect(v).toEqual({ start: m.x[a], end: m.x[a] + 6, node: a });
    expect(inView(m, v, a)).toBe(true);
    expect(inView(m, v, findStack(m, ['main']))).toBe(true);
    expect(inView(m, v, 0)).toBe(true);
    expect(inView(m, v, findStack(m, ['main', 'a', 'y']))).toBe(true);
    expect(inView(m, v, b)).toBe(false);
    expect(inView(m, v, findStack(m, ['other']))).toBe(false);
  });

  it('shows everything without focus', () => {
    const v = focusView(m, -1);
    expect(v).toEqual({ start: 0, end: 11, node: -1 });
    for (let i = 0; i < m.size; i++) expect(inView(m, v, i)).toBe(true);
  });

  it('lists children left to right', () => {
    const kids = children(m);
    const main = findStack(m, ['main']);
    const names = Array.from(kids.list.slice(kids.start[main], kids.start[main + 1])).map((c) => m.names[m.name[c]]);
    expect(names).toEqual(['a', 'b']);
  });
});

describe('decodeDiff', () => {
  // Baseline: main;a 2, main;b 2 (4 ticks). Comparison: main;a 1, main;b 3, main;c 4 (8 ticks).
  const diff = {
    names: ['total', 'main', 'a', 'b', 'c'],
    levels: [
      { values: [0, 4, 0, 0, 8, 0, 0] },
      { values: [0, 4, 0, 0, 8, 0, 1] },
      { values: [0, 2, 2, 0, 1, 1, 2, 0, 2, 2, 0, 3, 3, 3, 0, 0, 0, 0, 4, 4, 4].map(String) },
    ],
    total: '12', maxSelf: '4', leftTicks: '4', rightTicks: '8',
  };

  it('keeps both sides and lays bars out on their sum', () => {
    const m = decodeDiff(diff);
    expect(m.size).toBe(5);
    expect(m.diff!.leftTicks).toBe(4);
    expect(m.diff!.rightTicks).toBe(8);
    expect(Array.from(m.diff!.leftTotal)).toEqual([4, 4, 2, 2, 0]);
    expect(Array.from(m.diff!.rightTotal)).toEqual([8, 8, 1, 3, 4]);
    expect(Array.from(m.x)).toEqual([0, 0, 0, 3, 8]);
    expect(Array.from(m.total)).toEqual([12, 12, 3, 5, 4]);
    expect(Array.from(m.parent)).toEqual([-1, 0, 1, 1, 1]);
  });
});
