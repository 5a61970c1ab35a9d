import { describe, expect, it } from 'vitest';
import { sandwich } from './sandwich';
import { findStack } from './model';
import { fromFolded, layout } from './tree';

const m = layout(fromFolded('main;a;f;x 3\nmain;b;f;y 2\nmain;f;f;z 1\nmain;f 4\nmain;c 5'));

describe('sandwich', () => {
  const s = sandwich(m, 'f');

  it('counts the function once per stack', () => {
    expect(s.total).toBe(10); // 3 + 2 + 1 + 4; the inner f of main;f;f;z is not added again
    expect(s.self).toBe(4);
    expect(s.callers.rootTotal).toBe(10);
    expect(s.callees.rootTotal).toBe(10);
  });

  it('inverts the callers: nearest caller first', () => {
    const at = (stack: string[]) => s.callers.total[findStack(s.callers, stack)];
    expect(at(['a'])).toBe(3);
    expect(at(['a', 'main'])).toBe(3);
    expect(at(['b', 'main'])).toBe(2);
    expect(at(['main'])).toBe(5);
    expect(findStack(s.callers, ['c'])).toBe(-1);
  });

  it('merges the callees of every call', () => {
    const at = (stack: string[]) => s.callees.total[findStack(s.callees, stack)];
    expect(at(['x'])).toBe(3);
    expect(at(['y'])).toBe(2);
    expect(at(['f', 'z'])).toBe(1);
    expect(s.callees.self[0]).toBe(4);
  });

  it('is empty for an unknown function', () => {
    expect(sandwich(m, 'nope').total).toBe(0);
  });
});
