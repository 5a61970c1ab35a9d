import { describe, expect, it } from 'vitest';
import { DEFAULTS, fromLocation, toSearch } from './url';
import { applyCompletion, completionAt, parseSelector, withMatcher } from './selector';
import { resolveTime, stepSeconds } from './time';

describe('url state', () => {
  it('round-trips every field through the query string', () => {
    const s = {
      ...DEFAULTS, page: 'diff' as const, query: '{service_name="a b", env=~"p.*"}', profileType: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
      from: '1700000000000', until: '1700000600000', groupBy: 'env', maxNodes: 512, search: 'regex, other', focus: ['main', 'a;b', 'c'],
      sandwich: 'java/lang/Thread.run', color: 'value' as const, sort: 'total-asc', layout: 'table' as const,
      leftQuery: '{x="1"}', leftFrom: 'now-2h', leftUntil: 'now-1h', rightQuery: '{x="2"}', rightFrom: 'now-1h', rightUntil: 'now',
      palette: 'green-red' as const, tenant: 't1',
    };
    const back = fromLocation('/comparison-diff', toSearch(s));
    expect(back).toEqual(s);
  });

  it('leaves defaults out and ignores nonsense', () => {
    expect(toSearch(DEFAULTS)).toBe('');
    const s = fromLocation('/whatever', '?maxNodes=-3&color=pink&layout=x');
    expect(s.page).toBe('single');
    expect(s.maxNodes).toBe(DEFAULTS.maxNodes);
    expect(s.color).toBe('package');
    expect(s.layout).toBe('both');
  });
});

describe('selector', () => {
  it('parses matchers and reports where it fails', () => {
    expect(parseSelector('{service_name="api", env!~"de.*"}').matchers).toEqual([
      { name: 'service_name', op: '=', value: 'api' }, { name: 'env', op: '!~', value: 'de.*' }]);
    expect(parseSelector('{}').matchers).toEqual([]);
    expect(parseSelector('{a=b}').error).toMatch(/near "a=b"/);
  });

  it('replaces the matcher of one label and keeps the others', () => {
    expect(withMatcher('{service_name="a", env="prod"}', 'service_name', 'b')).toBe('{service_name="b", env="prod"}');
    expect(withMatcher('{}', 'service_name', 'x"y')).toBe('{service_name="x\\"y"}');
  });

  it('knows whether a name or a value is being typed', () => {
    expect(completionAt('{serv', 5)).toEqual({ kind: 'name', prefix: 'serv', from: 1 });
    expect(completionAt('{a="1", ', 8)).toEqual({ kind: 'name', prefix: '', from: 8 });
    expect(completionAt('{a="1", env="pr', 15)).toEqual({ kind: 'value', name: 'env', prefix: 'pr', from: 13 });
    expect(completionAt('{a="x, y', 8)).toEqual({ kind: 'value', name: 'a', prefix: 'x, y', from: 4 });
    const c = completionAt('{env="pr"}', 8)!;
    expect(applyCompletion('{env="pr"}', 8, c, 'prod')).toEqual({ text: '{env="prod"}', cursor: 11 });
  });
});

describe('time', () => {
  it('resolves relative and absolute times', () => {
    expect(resolveTime('now-1h', 10_000_000)).toBe(10_000_000 - 3_600_000);
    expect(resolveTime('now', 5)).toBe(5);
    expect(resolveTime('1700000000000', 0)).toBe(1_700_000_000_000);
    expect(resolveTime('bogus', 0)).toBeNaN();
    expect(stepSeconds(0, 3_600_000)).toBe(36);
    expect(stepSeconds(0, 60_000)).toBe(15);
  });
});
