// The sandwich view of one function: its callers (an inverted tree: the function at the root,
// each caller one level further away) and its callees (every call of the function merged).
// A recursive function counts once: only its outermost calls on each stack are taken.

import { type FlameModel, children } from './model';
import { TreeNode, layout } from './tree';

export interface Sandwich {
  callers: FlameModel;
  callees: FlameModel;
  /** The function's total, recursion counted once. */
  total: number;
  self: number;
}

export function sandwich(m: FlameModel, fn: string): Sandwich {
  const target = m.names.indexOf(fn);
  const callers = new TreeNode(fn);
  const callees = new TreeNode(fn);
  let self = 0;
  if (target > 0 && m.size > 0) {
    const kids = children(m);
    // Depth-first with a count of the target on the path, to find the outermost occurrences.
    const stack: number[] = [0];
    let onPath = 0;
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (v < 0) {
        if (m.name[~v] === target) onPath--;
        continue;
      }
      const isTarget = m.name[v] === target;
      if (isTarget) {
        self += m.self[v];
        if (onPath === 0) {
          callers.addStack(callerPath(m, v), m.total[v]);
          addSubtree(m, kids, v, callees);
        }
        onPath++;
      }
      stack.push(~v);
      for (let k = kids.start[v + 1] - 1; k >= kids.start[v]; k--) {
        stack.push(kids.list[k]);
      }
    }
  }
  return { callers: layout(callers), callees: layout(callees), total: callees.total, self };
}

/** The callers of node `v`, nearest first, without the synthetic root. */
function callerPath(m: FlameModel, v: number): string[] {
  const out: string[] = [];
  for (let p = m.parent[v]; p > 0; p = m.parent[p]) {
    out.push(m.names[m.name[p]]);
  }
  return out;
}

/** Merges the subtree under node `v` into `into` (whose name equals v's). */
function addSubtree(m: FlameModel, kids: ReturnType<typeof children>, v: number, into: TreeNode): void {
  const work: [number, TreeNode][] = [[v, into]];
  while (work.length > 0) {
    const [n, t] = work.pop()!;
    t.total += m.total[n];
    t.self += m.self[n];
    for (let k = kids.start[n]; k < kids.start[n + 1]; k++) {
      const c = kids.list[k];
      work.push([c, t.child(m.names[m.name[c]])]);
    }
  }
}
