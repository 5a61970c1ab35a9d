// A small call tree keyed by function name, laid out into a FlameModel the same way the server
// lays out flame graphs (children after the parent's self, siblings in byte-wise name order).
// Used for the sandwich view's two trees.

import type { FlameModel } from './model';

export class TreeNode {
  self = 0;
  total = 0;
  readonly children = new Map<string, TreeNode>();
  constructor(readonly name: string) {}

  child(name: string): TreeNode {
    let c = this.children.get(name);
    if (!c) {
      c = new TreeNode(name);
      this.children.set(name, c);
    }
    return c;
  }

  /** Adds `value` along a root-first stack of names below this node. */
  addStack(stack: string[], value: number): void {
    this.total += value;
    let n: TreeNode = this;
    for (const fn of stack) {
      n = n.child(fn);
      n.total += value;
    }
    n.self += value;
  }
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Lays a tree out as a flame graph model; `root` becomes level 0. */
export function layout(root: TreeNode): FlameModel {
  const names: string[] = [];
  const index = new Map<string, number>();
  const nameOf = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = names.length;
      names.push(s);
      index.set(s, i);
    }
    return i;
  };
  const levelNodes: { node: TreeNode; x: number; parent: number }[][] = [];
  let current = [{ node: root, x: 0, parent: -1 }];
  let seen = 0;
  while (current.length > 0) {
    levelNodes.push(current);
    const next: { node: TreeNode; x: number; parent: number }[] = [];
    current.forEach((e, i) => {
      let x = e.x + e.node.self;
      const kids = [...e.node.children.values()].filter((c) => c.total > 0).sort((a, b) => byteOrder(a.name, b.name));
      for (const c of kids) {
        next.push({ node: c, x, parent: seen + i });
        x += c.total;
      }
    });
    seen += current.length;
    current = next;
  }
  const size = seen;
  const m: FlameModel = {
    names, size, depth: levelNodes.length,
    levelStart: new Int32Array(levelNodes.length + 1),
    level: new Int32Array(size), x: new Float64Array(size), total: new Float64Array(size),
    self: new Float64Array(size), name: new Int32Array(size), parent: new Int32Array(size),
    rootTotal: root.total,
  };
  let i = 0;
  levelNodes.forEach((nodes, d) => {
    m.levelStart[d] = i;
    for (const e of nodes) {
      m.level[i] = d;
      m.x[i] = e.x;
      m.total[i] = e.node.total;
      m.self[i] = e.node.self;
      m.name[i] = nameOf(e.node.name);
      m.parent[i] = e.parent;
      i++;
    }
  });
  m.levelStart[levelNodes.length] = size;
  return m;
}

/** A tree from collapsed stacks, "a;b;c 10" per line, under a root named `total`. */
export function fromFolded(text: string): TreeNode {
  const root = new TreeNode('total');
  for (const line of text.split('\n')) {
    const t = line.trim();
    const sp = t.lastIndexOf(' ');
    if (sp <= 0) continue;
    const v = Number(t.slice(sp + 1));
    if (!Number.isFinite(v) || v <= 0) continue;
    root.addStack(t.slice(0, sp).split(';'), v);
  }
  return root;
}
