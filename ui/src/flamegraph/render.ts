// Draws a FlameModel onto a 2D canvas context: one row per level, root on top (or at the
// bottom when inverted, for the callers half of a sandwich). Bars narrower than half a pixel
// are not drawn one by one: neighbouring ones merge into a grey block so the width stays
// honest. Only the context methods below are used, so tests can pass a recording stub.

import { type FlameModel, type View, inView, nodeAt } from './model';
import { type ColorMode, type DiffPalette, diffColor, packageColor, valueColor } from './colors';
import type { Search } from './search';
import { relativeChange } from './table';

export const ROW_HEIGHT = 22;
const MIN_BAR = 0.5;
const LABEL_MIN = 24;
const FONT = '12px ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace';

export interface Ctx2D {
  fillStyle: string | CanvasGradient | CanvasPattern;
  font: string;
  textBaseline: CanvasTextBaseline;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
  clearRect(x: number, y: number, w: number, h: number): void;
  save(): void;
  restore(): void;
  beginPath(): void;
  rect(x: number, y: number, w: number, h: number): void;
  clip(): void;
}

export interface DrawOptions {
  model: FlameModel;
  view: View;
  /** CSS pixels. */
  width: number;
  dark: boolean;
  colorMode: ColorMode;
  search?: Search | null;
  diffPalette?: DiffPalette;
  inverted?: boolean;
  /** A name index to outline (hovered in the table). */
  highlight?: number;
}

export interface DrawStats {
  bars: number;
  merged: number;
  labels: number;
  matches: number;
}

export function canvasHeight(m: FlameModel): number {
  return Math.max(1, m.depth) * ROW_HEIGHT;
}

export function rowY(m: FlameModel, level: number, inverted: boolean): number {
  return (inverted ? m.depth - 1 - level : level) * ROW_HEIGHT;
}

/** Builds per-name (or per-node for value/diff) colour lookups once per draw. */
function colorer(o: DrawOptions): (n: number) => string {
  const m = o.model;
  if (m.diff) {
    const d = m.diff;
    const palette = o.diffPalette ?? 'blue-red';
    const cache = new Map<number, string>();
    return (n) => {
      const c = relativeChange(d.leftTotal[n], d.rightTotal[n], d.leftTicks, d.rightTicks);
      const q = Math.round(Math.max(-1, Math.min(1, c)) * 40);
      let s = cache.get(q);
      if (s === undefined) {
        s = diffColor(q / 40, palette, o.dark);
        cache.set(q, s);
      }
      return s;
    };
  }
  if (o.colorMode === 'value') {
    const cache: string[] = [];
    const whole = Math.max(m.rootTotal, 1e-9);
    return (n) => {
      const q = Math.round((m.total[n] / whole) * 32);
      return (cache[q] ??= valueColor(q / 32, o.dark));
    };
  }
  const byName: (string | undefined)[] = new Array(m.names.length);
  return (n) => {
    const nm = m.name[n];
    return (byName[nm] ??= packageColor(m.names[nm], o.dark));
  };
}

export function draw(ctx: Ctx2D, o: DrawOptions): DrawStats {
  const m = o.model;
  const stats: DrawStats = { bars: 0, merged: 0, labels: 0, matches: 0 };
  const height = canvasHeight(m);
  ctx.clearRect(0, 0, o.width, height);
  if (m.size === 0 || o.width <= 0) {
    return stats;
  }
  const v = o.view;
  const scale = o.width / (v.end - v.start);
  const color = colorer(o);
  const search = o.search && o.search.active ? o.search.names : null;
  const dim = o.dark ? '#2c2f36' : '#e4e6ea';
  const mergedColor = o.dark ? '#4a4d55' : '#c4c7cd';
  const text = o.dark ? '#f2f3f5' : '#111318';
  const dimText = o.dark ? '#7b7f88' : '#8a8f98';
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  const charWidth = ctx.measureText('abcdefghijklmnopqrstuvwxyz').width / 26 || 7;
  const labels: { x: number; y: number; w: number; n: number; faded: boolean }[] = [];

  for (let d = 0; d < m.depth; d++) {
    const y = rowY(m, d, !!o.inverted);
    let runStart = -1;
    let runEnd = -1;
    const flush = () => {
      if (runStart >= 0 && runEnd - runStart >= 0.3) {
        ctx.fillStyle = mergedColor;
        ctx.fillRect(runStart, y, Math.max(runEnd - runStart, 1), ROW_HEIGHT - 1);
        stats.merged++;
      }
      runStart = -1;
    };
    const from = firstInView(m, d, v.start);
    for (let n = from; n < m.levelStart[d + 1]; n++) {
      if (m.x[n] >= v.end) break;
      if (!inView(m, v, n)) continue;
      const x0 = (Math.max(m.x[n], v.start) - v.start) * scale;
      const x1 = (Math.min(m.x[n] + m.total[n], v.end) - v.start) * scale;
      const w = x1 - x0;
      const hit = search ? search[m.name[n]] === 1 : false;
      if (hit) stats.matches++;
      if (w < MIN_BAR) {
        if (runStart >= 0 && x0 - runEnd > 1) flush();
        if (runStart < 0) runStart = x0;
        runEnd = x1;
        continue;
      }
      flush();
      const faded = search !== null && !hit;
      ctx.fillStyle = faded ? dim : color(n);
      ctx.fillRect(x0, y, w > 2 ? w - 1 : w, ROW_HEIGHT - 1);
      stats.bars++;
      if (o.highlight !== undefined && m.name[n] === o.highlight) {
        ctx.fillStyle = text;
        ctx.fillRect(x0, y + ROW_HEIGHT - 3, w > 2 ? w - 1 : w, 2);
      }
      if (w >= LABEL_MIN) labels.push({ x: x0, y, w, n, faded });
    }
    flush();
  }
  for (const l of labels) {
    const name = m.names[m.name[l.n]];
    const room = Math.floor((l.w - 8) / charWidth);
    if (room < 2) continue;
    const s = name.length <= room ? name : name.slice(0, room - 1) + '…';
    ctx.fillStyle = l.faded ? dimText : text;
    ctx.fillText(s, l.x + 4, l.y + ROW_HEIGHT / 2);
    stats.labels++;
  }
  return stats;
}

/** The first node on level d that ends after tick t (binary search). */
function firstInView(m: FlameModel, d: number, t: number): number {
  let lo = m.levelStart[d];
  let hi = m.levelStart[d + 1];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (m.x[mid] + m.total[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The node under a CSS-pixel position, or -1. */
export function hitTest(m: FlameModel, view: View, width: number, px: number, py: number, inverted = false): number {
  if (width <= 0 || py < 0) return -1;
  const row = Math.floor(py / ROW_HEIGHT);
  const level = inverted ? m.depth - 1 - row : row;
  const t = view.start + (px / width) * (view.end - view.start);
  const n = nodeAt(m, level, t);
  return n >= 0 && inView(m, view, n) ? n : -1;
}

/** Where a node's bar is, in CSS pixels, or undefined when it is out of view. */
export function barRect(m: FlameModel, view: View, width: number, n: number, inverted = false) {
  if (n < 0 || !inView(m, view, n)) return undefined;
  const scale = width / (view.end - view.start);
  const x0 = (Math.max(m.x[n], view.start) - view.start) * scale;
  const x1 = (Math.min(m.x[n] + m.total[n], view.end) - view.start) * scale;
  return { x: x0, y: rowY(m, m.level[n], inverted), w: x1 - x0, h: ROW_HEIGHT };
}
