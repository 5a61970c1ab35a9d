import { useEffect, useMemo } from 'react';
import type { Api, Selection } from '../api/client';
import { useAsync } from '../state/useAsync';
import type { ViewState } from '../state/url';
import { matcherValue, withMatcher } from '../state/selector';
import { describeRange, resolveTime, stepSeconds } from '../state/time';
import { decodeDiff } from '../flamegraph/model';
import { diffColor } from '../flamegraph/colors';
import { parseProfileType, timelineUnit } from '../flamegraph/units';
import { QueryBar } from '../components/QueryBar';
import { TimeRange } from '../components/TimeRange';
import { Timeline } from '../components/Timeline';
import { FlameGraphPanel } from '../components/FlameGraphPanel';
import { ErrorBox, Loading } from '../components/Status';
import { download, fileBase, pngOf } from '../export';
import { type PageProps, useRange } from './SinglePage';

interface Side {
  key: 'left' | 'right';
  title: string;
  query: string;
  from: string;
  until: string;
  color: string;
}

/**
 * Two selections — a label selector and a time range each — compared through the Diff RPC.
 * Without explicit ranges the page's range is split: the first half is the baseline, the second
 * the comparison.
 */
export function DiffPage({ api, state, update, dark }: PageProps) {
  const range = useRange(state.from, state.until);
  const { start, end } = range;
  const mid = Math.floor((start + end) / 2);
  const services = useAsync(range.valid ? `svc|${start}|${end}` : null, (s) => api.services(start, end, s));
  const sides: Side[] = [
    { key: 'left', title: 'Baseline', query: state.leftQuery || state.query, from: state.leftFrom || String(start), until: state.leftUntil || String(mid), color: diffColor(-1, state.palette, dark) },
    { key: 'right', title: 'Comparison', query: state.rightQuery || state.query, from: state.rightFrom || String(mid), until: state.rightUntil || String(end), color: diffColor(1, state.palette, dark) },
  ];
  const service = matcherValue(sides[0].query, 'service_name') ?? matcherValue(sides[1].query, 'service_name');
  const types = useMemo(() => {
    const all = services.data;
    if (!all) return [];
    const out = new Set<string>();
    for (const s of sides) {
      const svc = matcherValue(s.query, 'service_name');
      for (const t of (svc !== undefined ? all.get(svc) : [...all.values()].flat()) ?? []) out.add(t);
    }
    return [...out];
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [services.data, sides[0].query, sides[1].query]);

  useEffect(() => {
    const all = services.data;
    if (!all || all.size === 0) return;
    update((prev) => {
      if (matcherValue(prev.query, 'service_name') === undefined && !prev.leftQuery && !prev.rightQuery) {
        const first = [...all.keys()][0];
        return { query: withMatcher(prev.query, 'service_name', first), profileType: all.get(first)![0] };
      }
      if (types.length > 0 && !types.includes(prev.profileType)) {
        return { profileType: types[0] };
      }
      return {};
    });
  }, [services.data, service, types, state.profileType, state.query, state.leftQuery, state.rightQuery, update]);

  const now = range.now;
  const sel = (s: Side): Selection => ({
    profileTypeID: state.profileType, labelSelector: s.query, start: resolveTime(s.from, now), end: resolveTime(s.until, now),
    maxNodes: state.maxNodes || undefined,
  });
  const left = sel(sides[0]);
  const right = sel(sides[1]);
  const ready = !!state.profileType && range.valid;
  const diffKey = JSON.stringify([left, right]);
  const diff = useAsync(ready ? diffKey : null, (s) => api.diff(left, right, s));
  const model = useMemo(() => (diff.data !== undefined || !diff.loading ? decodeDiff(diff.data) : undefined), [diff.data, diff.loading]);
  const type = parseProfileType(state.profileType);
  const unit = timelineUnit(type.sampleUnit, type.sampleType);
  const step = stepSeconds(start, end);

  const patch = (s: Side, p: { query?: string; from?: string; until?: string }): Partial<ViewState> => {
    const out: Partial<ViewState> = { focus: [] };
    if (p.query !== undefined) out[s.key === 'left' ? 'leftQuery' : 'rightQuery'] = p.query;
    if (p.from !== undefined) out[s.key === 'left' ? 'leftFrom' : 'rightFrom'] = p.from;
    if (p.until !== undefined) out[s.key === 'left' ? 'leftUntil' : 'rightUntil'] = p.until;
    return out;
  };

  return (
    <>
      <section className="panel" aria-label="Diff query">
        <div className="row" style={{ alignItems: 'flex-end', marginBottom: 10 }}>
          <label className="field">
            <span>Profile type</span>
            <select aria-label="Profile type" value={state.profileType} onChange={(e) => update({ profileType: e.target.value, focus: [] })}>
              {!types.includes(state.profileType) && state.profileType ? <option value={state.profileType}>{state.profileType}</option> : null}
              {types.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
          </label>
          <TimeRange from={state.from} until={state.until} label="Timeline range"
            onChange={(from, until) => update({ from, until, leftFrom: '', leftUntil: '', rightFrom: '', rightUntil: '' })} />
          <label className="field" title="The server keeps this many of the heaviest nodes and folds the rest into 'other' bars.">
            <span>Max nodes</span>
            <input aria-label="Max nodes" type="number" min={0} step={1024} value={state.maxNodes} style={{ width: 96 }}
              onChange={(e) => update({ maxNodes: Math.max(0, Math.floor(Number(e.target.value) || 0)) })} />
          </label>
          <button onClick={range.refresh}>Refresh</button>
        </div>
        <div className="sides">
          {sides.map((s) => (
            <div className="side" key={s.key} data-testid={`side-${s.key}`}>
              <h3><i style={{ background: s.color }} />{s.title}</h3>
              <div className="row" style={{ alignItems: 'flex-end' }}>
                <QueryBar api={api} value={s.query} start={start} end={end} label={`${s.title} selector`} onRun={(query) => update(patch(s, { query }))} />
              </div>
              <div className="row" style={{ marginTop: 6 }}>
                <TimeRange from={s.from} until={s.until} label={`${s.title} time`} onChange={(from, until) => update(patch(s, { from, until }))} />
              </div>
              <SideTimeline api={api} side={s} sel={sel(s)} start={start} end={end} step={step} unit={unit}
                ready={ready} onSelect={(a, b) => update(patch(s, { from: String(a), until: String(b) }))} />
            </div>
          ))}
        </div>
      </section>
      {services.error ? <ErrorBox what="Listing services" error={services.error} /> : null}
      {diff.error ? <ErrorBox what="Diff" error={diff.error} /> : null}
      {ready && diff.loading && !model ? <Loading what="diff" /> : null}
      {ready && model && !diff.error ? (
        model.rootTotal === 0 ? (
          <div className="empty" role="status" data-testid="no-data">
            No data on either side: nothing matches {sides[0].query} between {describeRange(sides[0].from, sides[0].until)} nor {sides[1].query} between {describeRange(sides[1].from, sides[1].until)}.
          </div>
        ) : (
          <FlameGraphPanel model={model} type={type} rangeSeconds={(end - start) / 1000} state={state} update={update} dark={dark}
            maxNodes={state.maxNodes || 8192}
            exports={{
              json: () => download(`${fileBase(service ?? '', state.profileType)}.diff.json`,
                new Blob([JSON.stringify({ left, right, flamegraph: diff.data }, null, 1)], { type: 'application/json' })),
              png: (c) => pngOf(c, `${fileBase(service ?? '', state.profileType)}.diff.png`),
            }} />
        )
      ) : null}
    </>
  );
}

function SideTimeline(p: { api: Api; side: Side; sel: Selection; start: number; end: number; step: number; ready: boolean;
  unit: ReturnType<typeof timelineUnit>; onSelect(a: number, b: number): void }) {
  const whole: Selection = { ...p.sel, start: p.start, end: p.end };
  const series = useAsync(p.ready ? JSON.stringify(whole) + p.step : null, (s) => p.api.series(whole, p.step, [], s));
  if (series.error) return <ErrorBox what={`${p.side.title} timeline`} error={series.error} />;
  return (
    <Timeline series={series.data ?? []} start={p.start} end={p.end} stepSeconds={p.step}
      toUnit={(v) => p.unit.perStep(v, p.step)} formatUnit={p.unit.format} unitLabel={p.unit.label} groupBy=""
      ranges={[{ start: p.sel.start, end: p.sel.end, color: p.side.color, label: p.side.title }]} onSelect={p.onSelect} />
  );
}
