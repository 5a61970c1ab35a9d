import { forwardRef, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState } from 'react';
import type { FlameModel, View } from '../flamegraph/model';
import { type DrawStats, barRect, canvasHeight, draw, hitTest } from '../flamegraph/render';
import type { ColorMode, DiffPalette } from '../flamegraph/colors';
import type { Search } from '../flamegraph/search';

export interface FlameCanvasProps {
  model: FlameModel;
  view: View;
  dark: boolean;
  colorMode: ColorMode;
  search?: Search | null;
  palette?: DiffPalette;
  inverted?: boolean;
  highlight?: number;
  label: string;
  testId?: string;
  onHover(node: number, clientX: number, clientY: number): void;
  onClick(node: number): void;
  onMenu(node: number, clientX: number, clientY: number): void;
}

export interface FlameCanvasHandle {
  canvas(): HTMLCanvasElement | null;
  /** Where a node's bar is, in client coordinates. */
  barOf(node: number): DOMRect | undefined;
}

/** One canvas at the device pixel ratio, redrawn when its inputs or its width change. */
export const FlameCanvas = forwardRef<FlameCanvasHandle, FlameCanvasProps>(function FlameCanvas(p, ref) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [stats, setStats] = useState<DrawStats & { ms: number }>();

  useLayoutEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const el = canvas.current;
    if (!el || width <= 0) return;
    const frame = requestAnimationFrame(() => {
      const dpr = window.devicePixelRatio || 1;
      const h = canvasHeight(p.model);
      el.width = Math.round(width * dpr);
      el.height = Math.round(h * dpr);
      el.style.height = h + 'px';
      const ctx = el.getContext('2d');
      if (!ctx) return;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const t0 = performance.now();
      const s = draw(ctx, {
        model: p.model, view: p.view, width, dark: p.dark, colorMode: p.colorMode, search: p.search,
        diffPalette: p.palette, inverted: p.inverted, highlight: p.highlight,
      });
      setStats({ ...s, ms: performance.now() - t0 });
    });
    return () => cancelAnimationFrame(frame);
  }, [p.model, p.view, width, p.dark, p.colorMode, p.search, p.palette, p.inverted, p.highlight]);

  useImperativeHandle(ref, () => ({
    canvas: () => canvas.current,
    barOf: (node) => {
      const el = canvas.current;
      const r = barRect(p.model, p.view, width, node, p.inverted);
      if (!el || !r) return undefined;
      const box = el.getBoundingClientRect();
      return new DOMRect(box.left + r.x, box.top + r.y, r.w, r.h);
    },
  }), [p.model, p.view, width, p.inverted]);

  const nodeAtEvent = (e: React.MouseEvent) => {
    const box = canvas.current!.getBoundingClientRect();
    return hitTest(p.model, p.view, width, e.clientX - box.left, e.clientY - box.top, p.inverted);
  };

  return (
    <canvas
      ref={canvas}
      className="flamegraph"
      data-testid={p.testId ?? 'flamegraph-canvas'}
      data-nodes={p.model.size}
      data-bars={stats?.bars}
      data-matches={stats?.matches}
      data-draw-ms={stats ? stats.ms.toFixed(1) : undefined}
      role="img"
      aria-label={p.label}
      onMouseMove={(e) => p.onHover(nodeAtEvent(e), e.clientX, e.clientY)}
      onMouseLeave={() => p.onHover(-1, 0, 0)}
      onClick={(e) => {
        const n = nodeAtEvent(e);
        if (n >= 0) p.onClick(n);
      }}
      onContextMenu={(e) => {
        const n = nodeAtEvent(e);
        if (n >= 0) {
          e.preventDefault();
          p.onMenu(n, e.clientX, e.clientY);
        }
      }}
    />
  );
});
