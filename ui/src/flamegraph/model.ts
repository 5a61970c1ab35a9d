// The flame graph model: Pyroscope's level-encoded FlameGraph (and the 7-tuple FlameGraphDiff)
// decoded into flat typed arrays, one entry per node in level order, with parent links rebuilt by
// interval containment. Everything the views need (focus, search, top table, sandwich) works on
// these arrays without building an object per node.

/** The JSON of `querier.v1.FlameGraph` / `FlameGraphDiff` (int64 arrive as strings). */
export interface FlameGraphJson {
  names?: string[];
  levels?: { values?: Array<string | number> }[];
  total?: string | number;
  maxSelf?: string | number;
  leftTicks?: string | number;
  rightTicks?: string | number;
}

/** Per side of a diff: the left ("baseline") and right ("comparison") values of each node. */
export interface DiffSides {
  leftTotal: Float64Array;
  leftSelf: Float64Array;
  rightTotal: Float64Array;
  rightSelf: Float64Array;
  leftTicks: number;
  rightTicks: number;
}

export interface FlameModel {
  names: string[];
  /** Number of nodes. */
  size: number;
  /** Index of the first node of each level; `levelStart[depth]` = size. */
  levelStart: Int32Array;
  depth: number;
  level: Int32Array;
  x: Float64Array;
  total: Float64Array;
  self: Float64Array;
  name: Int32Array;
  /** Parent node, -1 for the root(s). */
  parent: Int32Array;
  /** The root's total: the graph's 100 %. */
  rootTotal: number;
  diff?: DiffSides;
}

export const OTHER = 'other';

const num = (v: string | number | undefined): number => (v === undefined ? 0 : typeof v === 'number' ? v : Number(v));

/** Decodes a single (4-tuple) flame graph. An absent graph decodes as empty. */
export function decodeFlameGraph(fg: FlameGraphJson | undefined): FlameModel {
  return decode(fg, 4);
}

/** Decodes a diff flame graph: bars are laid out on left + right, each side kept apart. */
export function decodeDiff(fg: FlameGraphJson | undefined): FlameModel {
  return decode(fg, 7);
}

function decode(fg: FlameGraphJson | undefined, width: 4 | 7): FlameModel {
  const names = fg?.names && fg.names.length > 0 ? fg.names : ['total'];
  const levels = fg?.levels ?? [];
  let size = 0;
  for (const l of levels) {
    size += Math.floor((l.values?.length ?? 0) / width);
  }
  const level = new Int32Array(size);
  const x = new Float64Array(size);
  const total = new Float64Array(size);
  const self = new Float64Array(size);
  const name = new Int32Array(size);
  const parent = new Int32Array(size).fill(-1);
  const levelStart = new Int32Array(levels.length + 1);
  const diff = width === 7
    ? {
      leftTotal: new Float64Array(size), leftSelf: new Float64Array(size),
      rightTotal: new Float64Array(size), rightSelf: new Float64Array(size),
      leftTicks: num(fg?.leftTicks), rightTicks: num(fg?.rightTicks),
    }
    : undefined;
  let i = 0;
  for (let d = 0; d < levels.length; d++) {
    levelStart[d] = i;
    const v = levels[d].values ?? [];
    let endLeft = 0;
    let endRight = 0;
    for (let k = 0; k + width <= v.length; k += width) {
      level[i] = d;
      if (diff) {
        const xl = endLeft + num(v[k]);
        const tl = num(v[k + 1]);
        const xr = endRight + num(v[k + 3]);
        const tr = num(v[k + 4]);
        endLeft = xl + tl;
        endRight = xr + tr;
        diff.leftTotal[i] = tl;
        diff.leftSelf[i] = num(v[k + 2]);
        diff.rightTotal[i] = tr;
        diff.rightSelf[i] = num(v[k + 5]);
        // Both sides are aligned to one shape, so left + right lays the bars out consistently.
        x[i] = xl + xr;
        total[i] = tl + tr;
        self[i] = diff.leftSelf[i] + diff.rightSelf[i];
        name[i] = num(v[k + 6]);
      } else {
        x[i] = endLeft + num(v[k]);
        total[i] = num(v[k + 1]);
        self[i] = num(v[k + 2]);
        name[i] = num(v[k + 3]);
        endLeft = x[i] + total[i];
      }
      if (name[i] < 0 || name[i] >= names.length) {
        throw new Error(`flame graph node ${i} on level ${d} names index ${name[i]}, but there are ${names.length} names`);
      }
      i++;
    }
  }
  levelStart[levels.length] = size;
  linkParents(levelStart, levels.length, x, total, parent);
  const rootTotal = size > 0 ? total[0] : 0;
  return { names, size, levelStart, depth: levels.length, level, x, total, self, name, parent, rootTotal, diff };
}

/** A node's parent is the node on the level above whose interval contains its start. */
function linkParents(levelStart: Int32Array, depth: number, x: Float64Array, total: Float64Array, parent: Int32Array) {
  for (let d = 1; d < depth; d++) {
    let p = levelStart[d - 1];
    const pEnd = levelStart[d];
    if (p >= pEnd) {
      continue;
    }
    for (let c = levelStart[d]; c < levelStart[d + 1]; c++) {
      while (p < pEnd - 1 && x[c] >= x[p] + total[p] && x[c] >= x[p + 1]) {
        p++;
      }
      parent[c] = p;
    }
  }
}

/** The first child of each node and the next sibling, as index lists (CSR) built once. */
export interface Children {
  start: Int32Array;
  list: Int32Array;
}

export function children(m: FlameModel): Children {
  const count = new Int32Array(m.size + 1);
  for (let i = 0; i < m.size; i++) {
    if (m.parent[i] >= 0) {
      count[m.parent[i] + 1]++;
    }
  }
  for (let i = 0; i < m.size; i++) {
    count[i + 1] += count[i];
  }
  const start = count.slice();
  const fill = count.slice();
  const list = new Int32Array(Math.max(0, start[m.size]));
  // Level order visits siblings left to right, so each child list comes out in x order.
  for (let i = 0; i < m.size; i++) {
    const p = m.parent[i];
    if (p >= 0) {
      list[fill[p]++] = i;
    }
  }
  return { start, list };
}

/** The names of the stack from the root's first child down to `node` (the root is left out). */
export function stackOf(m: FlameModel, node: number): string[] {
  const out: string[] = [];
  for (let n = node; n > 0 && n < m.size; n = m.parent[n]) {
    out.push(m.names[m.name[n]]);
  }
  return out.reverse();
}

/** Finds the node at the end of a stack of names (as given by {@link stackOf}), or -1. */
export function findStack(m: FlameModel, stack: string[], kids: Children = children(m)): number {
  if (m.size === 0) {
    return -1;
  }
  let node = 0;
  for (const fn of stack) {
    let next = -1;
    for (let k = kids.start[node]; k < kids.start[node + 1]; k++) {
      const c = kids.list[k];
      if (m.names[m.name[c]] === fn) {
        next = c;
        break;
      }
    }
    if (next < 0) {
      return -1;
    }
    node = next;
  }
  return node;
}

/** The tick interval a focused node spans; the whole graph without focus. */
export interface View {
  start: number;
  end: number;
  /** The focused node, or -1. */
  node: number;
}

export function focusView(m: FlameModel, node: number): View {
  if (node < 0 || node >= m.size) {
    return { start: 0, end: Math.max(m.rootTotal, 1e-9), node: -1 };
  }
  return { start: m.x[node], end: m.x[node] + Math.max(m.total[node], 1e-9), node };
}

/** Whether node `n` shows in a view: it overlaps the focused interval. */
export function inView(m: FlameModel, v: View, n: number): boolean {
  return m.x[n] < v.end && m.x[n] + m.total[n] > v.start;
}

/** The node whose bar covers tick `t` on `level`, or -1 (binary search on x). */
export function nodeAt(m: FlameModel, level: number, t: number): number {
  if (level < 0 || level >= m.depth) {
    return -1;
  }
  let lo = m.levelStart[level];
  let hi = m.levelStart[level + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (m.x[mid] > t) {
      hi = mid - 1;
    } else if (m.x[mid] + m.total[mid] <= t) {
      lo = mid + 1;
    } else {
      return mid;
    }
  }
  return -1;
}

/** The nodes a truncated graph folded into `other`, and what they weigh. */
export function otherSummary(m: FlameModel): { nodes: number; total: number } {
  let nodes = 0;
  let total = 0;
  for (let i = 1; i < m.size; i++) {
    if (m.names[m.name[i]] === OTHER && m.self[i] === m.total[i]) {
      nodes++;
      total += m.total[i];
    }
  }
  return { nodes, total };
}
