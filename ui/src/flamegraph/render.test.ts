import { describe, expect, it } from 'vitest';
import { type Ctx2D, ROW_HEIGHT, barRect, draw, hitTest } from './render';
import { focusView } from './model';
import { fromFolded, layout, TreeNode } from './tree';
import { searchNames } from './search';

class Recorder implements Ctx2D {
  fillStyle: string | CanvasGradient | CanvasPattern = '';
  font = '';
  textBaseline: CanvasTextBaseline = 'alphabetic';
  rects: { x: number; y: number; w: number; color: string }[] = [];
  texts: string[] = [];
  fillRect(x: number, y: number, w: number) { this.rects.push({ x, y, w, color: String(this.fillStyle) }); }
  fillText(t: string) { this.texts.push(t); }
  measureText(t: string) { return { width: t.length * 7 }; }
  clearRect() {}
  save() {}
  restore() {}
  beginPath() {}
  rect() {}
  clip() {}
}

describe('render', () => {
  const m = layout(fromFolded('main;a 30\nmain;b 10\nmain;verylongfunctionname 60'));

  it('draws one bar per node with widths proportional to totals', () => {
    const ctx = new Recorder();
    const stats = draw(ctx, { model: m, view: focusView(m, -1), width: 1000, dark: true, colorMode: 'package' });
    expect(stats.bars).toBe(5);
    const rowOf = (y: number) => ctx.rects.filter((r) => r.y === y * ROW_HEIGHT);
    expect(rowOf(2).map((r) => Math.round(r.x))).toEqual([0, 300, 400]);
    expect(ctx.texts).toContain('verylongfunctionname');
  });

  it('dims bars that do not match the search', () => {
    const ctx = new Recorder();
    const search = searchNames(m.names, '^a$');
    const stats = draw(ctx, { model: m, view: focusView(m, -1), width: 1000, dark: true, colorMode: 'package', search });
    expect(stats.matches).toBe(1);
    const colors = ctx.rects.filter((r) => r.y === 2 * ROW_HEIGHT).map((r) => r.color);
    expect(colors[0]).not.toBe('#2c2f36');
    expect(colors[1]).toBe('#2c2f36');
  });

  it('hit-tests every bar, even narrow ones, and maps bars back to pixels', () => {
    const n = hitTest(m, focusView(m, -1), 1000, 350, 2 * ROW_HEIGHT + 5);
    expect(m.names[m.name[n]]).toBe('b');
    expect(barRect(m, focusView(m, -1), 1000, n)).toEqual({ x: 300, y: 44, w: 100, h: ROW_HEIGHT });
    expect(hitTest(m, focusView(m, -1), 1000, 350, 5 * ROW_HEIGHT)).toBe(-1);
  });

  it('merges sub-pixel bars at 16k nodes, drawing a bounded number of rectangles', () => {
    // 16,384 leaves under one parent at very different weights.
    const root = new TreeNode('total');
    for (let i = 0; i < 16_383; i++) root.addStack(['main', 'f' + i], i < 50 ? 100_000 : 1);
    const big = layout(root);
    expect(big.size).toBe(16_385);
    const ctx = new Recorder();
    let stats = draw(ctx, { model: big, view: focusView(big, -1), width: 1600, dark: false, colorMode: 'package' });
    for (let i = 0; i < 9; i++) {
      stats = draw(new Recorder(), { model: big, view: focusView(big, -1), width: 1600, dark: false, colorMode: 'value' });
    }
    // Drawing cost follows the rectangles drawn, not the nodes: bounded whatever the tree's size
    // (no wall-clock assertion: a loaded CI machine would make it flaky).
    expect(stats.bars).toBeLessThan(200);
    expect(ctx.rects.length).toBeLessThan(400);
    expect(stats.merged).toBeGreaterThan(0);
    // The merged grey block covers the width of the tiny leaves.
    const merged = ctx.rects.filter((r) => r.color === '#c4c7cd');
    const covered = merged.reduce((s, r) => s + r.w, 0);
    const expected = (1600 * 16_333) / (50 * 100_000 + 16_333);
    expect(covered).toBeGreaterThan(expected * 0.9);
  });
});
