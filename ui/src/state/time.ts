// Time ranges as people type them ("now-1h", "now") or as absolute milliseconds, so a URL can
// hold either a relative range that moves or a fixed one.

const UNITS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

export const PRESETS: { label: string; from: string }[] = [
  { label: 'Last 5 minutes', from: 'now-5m' },
  { label: 'Last 15 minutes', from: 'now-15m' },
  { label: 'Last 30 minutes', from: 'now-30m' },
  { label: 'Last 1 hour', from: 'now-1h' },
  { label: 'Last 3 hours', from: 'now-3h' },
  { label: 'Last 6 hours', from: 'now-6h' },
  { label: 'Last 12 hours', from: 'now-12h' },
  { label: 'Last 24 hours', from: 'now-24h' },
];

/** Milliseconds for `now`, `now-<n><unit>` or a number of ms; NaN when it is neither. */
export function resolveTime(s: string, now: number): number {
  const t = s.trim();
  if (t === 'now') return now;
  const rel = /^now-(\d+)([smhdw])$/.exec(t);
  if (rel) return now - Number(rel[1]) * UNITS[rel[2]];
  if (/^\d+$/.test(t)) return Number(t);
  const d = Date.parse(t);
  return Number.isNaN(d) ? NaN : d;
}

export function isRelative(s: string): boolean {
  return s.startsWith('now');
}

/** The step of the timeline: about 100 points, never under 15 s, in whole seconds. */
export function stepSeconds(start: number, end: number): number {
  return Math.max(15, Math.ceil((end - start) / 1000 / 100));
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function describeRange(from: string, until: string): string {
  const preset = PRESETS.find((p) => p.from === from && until === 'now');
  if (preset) return preset.label;
  const now = Date.now();
  const a = resolveTime(from, now);
  const b = resolveTime(until, now);
  if (Number.isNaN(a) || Number.isNaN(b)) return `${from} to ${until}`;
  return `${formatTime(a)} to ${formatTime(b)}`;
}
