// The top table: self and total per function name. A function's total counts each stack once,
// so recursion (the name again below itself) is not added twice.

import { type FlameModel, OTHER, children } from './model';

export interface Row {
  name: string;
  nameIndex: number;
  self: number;
  total: number;
  /** Diff only: the baseline's and the comparison's self and total. */
  leftSelf?: number;
  leftTotal?: number;
  rightSelf?: number;
  rightTotal?: number;
}

export type SortKey = 'name' | 'self' | 'total' | 'left' | 'right' | 'diff';

export function topTable(m: FlameModel): Row[] {
  const n = m.names.length;
  const self = new Float64Array(n);
  const total = new Float64Array(n);
  const d = m.diff;
  const ls = d ? new Float64Array(n) : undefined;
  const lt = d ? new Float64Array(n) : undefined;
  const rs = d ? new Float64Array(n) : undefined;
  const rt = d ? new Float64Array(n) : undefined;
  const seen = new Uint8Array(n);
  if (m.size > 0) {
    const kids = children(m);
    const onPath = new Int32Array(n);
    // Iterative depth-first walk: a node is pushed, then popped once more (negative) to leave it.
    const stack: number[] = [0];
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (v < 0) {
        onPath[m.name[~v]]--;
        continue;
      }
      const nm = m.name[v];
      if (v > 0 && !isOther(m, v)) {
        seen[nm] = 1;
        self[nm] += m.self[v];
        if (d) {
          ls![nm] += d.leftSelf[v];
          rs![nm] += d.rightSelf[v];
        }
        if (onPath[nm] === 0) {
          total[nm] += m.total[v];
          if (d) {
            lt![nm] += d.leftTotal[v];
            rt![nm] += d.rightTotal[v];
          }
        }
      }
      onPath[nm]++;
      stack.push(~v);
      for (let k = kids.start[v + 1] - 1; k >= kids.start[v]; k--) {
        stack.push(kids.list[k]);
      }
    }
  }
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    if (!seen[i]) continue;
    const r: Row = { name: m.names[i], nameIndex: i, self: self[i], total: total[i] };
    if (d) {
      r.leftSelf = ls![i];
      r.leftTotal = lt![i];
      r.rightSelf = rs![i];
      r.rightTotal = rt![i];
    }
    rows.push(r);
  }
  return rows;
}

/** The synthetic `other` leaf a truncated graph puts after kept siblings. */
export function isOther(m: FlameModel, node: number): boolean {
  return m.names[m.name[node]] === OTHER && m.self[node] === m.total[node];
}

/** Relative change of a row's share, comparison over baseline; +Infinity when new. */
export function diffShare(r: Row, leftTicks: number, rightTicks: number, field: 'self' | 'total' = 'self'): number {
  const l = (field === 'self' ? r.leftSelf : r.leftTotal) ?? 0;
  const rr = (field === 'self' ? r.rightSelf : r.rightTotal) ?? 0;
  return relativeChange(l, rr, leftTicks, rightTicks);
}

/** (right share / left share) - 1; +Infinity for added, -1 for removed, 0 when both are 0. */
export function relativeChange(left: number, right: number, leftTicks: number, rightTicks: number): number {
  const ls = leftTicks > 0 ? left / leftTicks : 0;
  const rs = rightTicks > 0 ? right / rightTicks : 0;
  if (ls === 0) {
    return rs === 0 ? 0 : Infinity;
  }
  return rs / ls - 1;
}

export function sortRows(rows: Row[], key: SortKey, desc: boolean, leftTicks = 0, rightTicks = 0): Row[] {
  const sign = desc ? -1 : 1;
  const value = (r: Row): number => {
    switch (key) {
      case 'self': return r.self;
      case 'total': return r.total;
      case 'left': return leftTicks > 0 ? (r.leftTotal ?? 0) / leftTicks : 0;
      case 'right': return rightTicks > 0 ? (r.rightTotal ?? 0) / rightTicks : 0;
      case 'diff': return diffShare(r, leftTicks, rightTicks, 'total');
      default: return 0;
    }
  };
  return [...rows].sort((a, b) => {
    if (key === 'name') {
      return sign * (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    }
    const va = value(a);
    const vb = value(b);
    if (va !== vb) return sign * (va < vb ? -1 : 1);
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}
