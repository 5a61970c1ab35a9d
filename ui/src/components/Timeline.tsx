import { useLayoutEffect, useRef, useState } from 'react';
import type { Series } from '../api/client';
import { formatTime } from '../state/time';

export interface TimelineRange { start: number; end: number; color: string; label: string }

export interface TimelineProps {
  series: Series[];
  start: number;
  end: number;
  stepSeconds: number;
  /** Converts a point's value (per step) into the plotted unit. */
  toUnit(v: number): number;
  formatUnit(v: number): string;
  unitLabel: string;
  groupBy: string;
  ranges?: TimelineRange[];
  onSelect(start: number, end: number): void;
}

const HEIGHT = 120;
const PAD_LEFT = 64;
const PAD_BOTTOM = 18;
export const SERIES_COLORS = ['#f08c00', '#4dabf7', '#69db7c', '#e64980', '#9775fa', '#ffd43b', '#38d9a9', '#ff8787', '#a9e34b', '#74c0fc', '#da77f2', '#ced4da'];

/** The profile totals over time (SelectSeries); drag across it to select a time range. */
export function Timeline(p: TimelineProps) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  const [drag, setDrag] = useState<{ a: number; b: number }>();

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  const plotW = Math.max(10, width - PAD_LEFT - 8);
  const plotH = HEIGHT - PAD_BOTTOM - 6;
  const span = Math.max(1, p.end - p.start);
  const xOf = (t: number) => PAD_LEFT + ((t - p.start) / span) * plotW;
  const tOf = (x: number) => p.start + ((Math.min(Math.max(x, PAD_LEFT), PAD_LEFT + plotW) - PAD_LEFT) / plotW) * span;
  let max = 0;
  for (const s of p.series) for (const pt of s.points ?? []) max = Math.max(max, p.toUnit(pt.value ?? 0));
  const yOf = (v: number) => 6 + plotH - (max > 0 ? (v / max) * plotH : 0);
  const stepMs = p.stepSeconds * 1000;

  const paths = p.series.map((s) => {
    // Steps without profiles have no point: the line drops to zero there.
    const pts = (s.points ?? []).map((pt) => [Number(pt.timestamp), p.toUnit(pt.value ?? 0)] as const).sort((a, b) => a[0] - b[0]);
    let d = '';
    let prev = -Infinity;
    for (const [t, v] of pts) {
      if (t - prev > stepMs * 1.5) {
        if (d) d += `L${xOf(prev + stepMs).toFixed(1)},${yOf(0).toFixed(1)}`;
        d += `${d ? 'L' : 'M'}${xOf(t - stepMs).toFixed(1)},${yOf(0).toFixed(1)}`;
      }
      d += `L${xOf(t).toFixed(1)},${yOf(v).toFixed(1)}`;
      prev = t;
    }
    if (d) d += `L${xOf(prev + stepMs).toFixed(1)},${yOf(0).toFixed(1)}`;
    return d;
  });

  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => p.start + f * span);
  const onDown = (e: React.MouseEvent) => {
    const x = e.clientX - box.current!.getBoundingClientRect().left;
    setDrag({ a: x, b: x });
  };
  const onMove = (e: React.MouseEvent) => {
    if (!drag) return;
    setDrag({ ...drag, b: e.clientX - box.current!.getBoundingClientRect().left });
  };
  const onUp = () => {
    if (drag && Math.abs(drag.b - drag.a) > 4) {
      const a = tOf(Math.min(drag.a, drag.b));
      const b = tOf(Math.max(drag.a, drag.b));
      p.onSelect(Math.floor(a), Math.ceil(b));
    }
    setDrag(undefined);
  };
  const label = (s: Series) => (s.labels ?? []).map((l) => `${l.name}=${l.value}`).join(', ') || 'all';

  return (
    <div className="timeline" ref={box} data-testid="timeline">
      <svg height={HEIGHT} role="img" aria-label={`Timeline in ${p.unitLabel}; drag to select a time range`}
        onMouseDown={onDown} onMouseMove={onMove} onMouseUp={onUp} onMouseLeave={() => setDrag(undefined)} style={{ cursor: 'crosshair' }}>
        <text className="axis" x={4} y={12}>{p.formatUnit(max)}</text>
        <text className="axis" x={4} y={6 + plotH}>0</text>
        <line x1={PAD_LEFT} x2={PAD_LEFT + plotW} y1={6 + plotH} y2={6 + plotH} stroke="var(--border)" />
        {ticks.map((t, i) => (
          <text key={i} className="axis" x={Math.min(xOf(t), PAD_LEFT + plotW - 50)} y={HEIGHT - 4} textAnchor={i === 0 ? 'start' : 'middle'}>
            {formatTime(t).slice(span > 86400e3 ? 5 : 11, 16)}
          </text>
        ))}
        {(p.ranges ?? []).map((r) => (
          <rect key={r.label} x={xOf(Math.max(r.start, p.start))} width={Math.max(2, xOf(Math.min(r.end, p.end)) - xOf(Math.max(r.start, p.start)))}
            y={6} height={plotH} fill={r.color} opacity={0.18} stroke={r.color}>
            <title>{r.label}</title>
          </rect>
        ))}
        {paths.map((d, i) => (
          <path key={i} d={d} fill={p.series.length === 1 ? SERIES_COLORS[0] : 'none'} fillOpacity={0.35}
            stroke={SERIES_COLORS[i % SERIES_COLORS.length]} strokeWidth={1.5} />
        ))}
        {drag ? <rect x={Math.min(drag.a, drag.b)} width={Math.abs(drag.b - drag.a)} y={6} height={plotH} fill="var(--selection)" /> : null}
      </svg>
      {p.groupBy && p.series.length > 0 ? (
        <div className="legend-chips">
          {p.series.map((s, i) => <span key={i}><i style={{ background: SERIES_COLORS[i % SERIES_COLORS.length] }} />{label(s)}</span>)}
        </div>
      ) : null}
    </div>
  );
}
