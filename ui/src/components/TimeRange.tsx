import { useEffect, useState } from 'react';
import { PRESETS, formatTime, isRelative, resolveTime } from '../state/time';

export interface TimeRangeProps {
  from: string;
  until: string;
  label?: string;
  onChange(from: string, until: string): void;
}

/** Presets ("Last 1 hour") or an absolute range; the timeline drag also lands here. */
export function TimeRange(p: TimeRangeProps) {
  const preset = PRESETS.find((x) => x.from === p.from && p.until === 'now');
  const [custom, setCustom] = useState(!preset);
  const [a, setA] = useState(show(p.from));
  const [b, setB] = useState(show(p.until));
  useEffect(() => { setA(show(p.from)); setB(show(p.until)); setCustom(!PRESETS.find((x) => x.from === p.from && p.until === 'now')); }, [p.from, p.until]);
  const apply = () => {
    const fa = parse(a);
    const fb = parse(b);
    if (fa && fb) p.onChange(fa, fb);
  };
  const label = p.label ?? 'Time range';
  return (
    <div className="row">
      <label className="field">
        <span>{label}</span>
        <select aria-label={label} value={custom ? 'custom' : p.from} onChange={(e) => {
          if (e.target.value === 'custom') setCustom(true);
          else { setCustom(false); p.onChange(e.target.value, 'now'); }
        }}>
          {PRESETS.map((x) => <option key={x.from} value={x.from}>{x.label}</option>)}
          <option value="custom">Absolute range…</option>
        </select>
      </label>
      {custom ? (
        <>
          <label className="field"><span>From</span>
            <input aria-label={`${label} from`} value={a} onChange={(e) => setA(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && apply()} style={{ width: 170 }} /></label>
          <label className="field"><span>To</span>
            <input aria-label={`${label} to`} value={b} onChange={(e) => setB(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && apply()} style={{ width: 170 }} /></label>
          <button onClick={apply} style={{ alignSelf: 'flex-end' }}>Set</button>
        </>
      ) : null}
    </div>
  );
}

function show(s: string): string {
  if (isRelative(s)) return s;
  const t = resolveTime(s, Date.now());
  return Number.isNaN(t) ? s : formatTime(t);
}

/** Accepts now-1h style, epoch ms, or a local "YYYY-MM-DD HH:MM:SS" time. */
function parse(s: string): string | undefined {
  const t = s.trim();
  if (isRelative(t) || /^\d+$/.test(t)) return Number.isNaN(resolveTime(t, 0)) ? undefined : t;
  const d = Date.parse(t.replace(' ', 'T'));
  return Number.isNaN(d) ? undefined : String(d);
}
