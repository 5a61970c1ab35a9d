import { useEffect, useMemo, useState } from 'react';
import type { Api, Selection } from '../api/client';
import { useAsync } from '../state/useAsync';
import type { ViewState } from '../state/url';
import type { Patch } from '../state/useViewState';
import { matcherValue, withMatcher } from '../state/selector';
import { describeRange, resolveTime, stepSeconds } from '../state/time';
import { decodeFlameGraph } from '../flamegraph/model';
import { parseProfileType, timelineUnit } from '../flamegraph/units';
import { QueryBar } from '../components/QueryBar';
import { TimeRange } from '../components/TimeRange';
import { Timeline } from '../components/Timeline';
import { FlameGraphPanel } from '../components/FlameGraphPanel';
import { ErrorBox, Loading } from '../components/Status';
import { download, fileBase, gzip, pngOf } from '../export';

export interface PageProps {
  api: Api;
  state: ViewState;
  update(patch: Patch, push?: boolean): void;
  dark: boolean;
}

/** Resolves the state's time range; relative ranges move on each refresh. */
export function useRange(from: string, until: string): { start: number; end: number; now: number; refresh(): void; valid: boolean } {
  const [tick, setTick] = useState(0);
  return useMemo(() => {
    const now = Date.now();
    const start = resolveTime(from, now);
    const end = resolveTime(until, now);
    const valid = Number.isFinite(start) && Number.isFinite(end) && start < end;
    return { start, end, now, valid, refresh: () => setTick((t) => t + 1) };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [from, until, tick]);
}

export function SinglePage({ api, state, update, dark }: PageProps) {
  const range = useRange(state.from, state.until);
  const { start, end } = range;
  const services = useAsync(range.valid ? `svc|${start}|${end}` : null, (s) => api.services(start, end, s));
  const service = matcherValue(state.query, 'service_name');
  const types = (service !== undefined && services.data?.get(service)) || [];

  // Pick a service and a profile type when the URL names none (or one that has no data here).
  useEffect(() => {
    const all = services.data;
    if (!all || all.size === 0) return;
    // Decided on the latest state: the user may have picked a service since this render.
    update((prev) => {
      const svc = matcherValue(prev.query, 'service_name');
      if (svc === undefined) {
        const first = [...all.keys()][0];
        return { query: withMatcher(prev.query, 'service_name', first), profileType: all.get(first)![0] };
      }
      if (all.has(svc) && !all.get(svc)!.includes(prev.profileType)) {
        return { profileType: all.get(svc)![0] };
      }
      return {};
    });
  }, [services.data, service, state.profileType, state.query, update]);

  const labelNames = useAsync(range.valid && service !== undefined ? `ln|${service}|${start}|${end}` : null,
    (s) => api.labelNames([`{service_name=${JSON.stringify(service)}}`], start, end, s));

  const type = parseProfileType(state.profileType);
  const ready = range.valid && !!state.profileType;
  const sel: Selection = { profileTypeID: state.profileType, labelSelector: state.query, start, end, maxNodes: state.maxNodes || undefined };
  const selKey = JSON.stringify(sel);
  const step = stepSeconds(start, end);
  const flame = useAsync(ready ? selKey : null, (s) => api.flameGraph(sel, s));
  const series = useAsync(ready ? `${selKey}|${step}|${state.groupBy}` : null,
    (s) => api.series(sel, step, state.groupBy ? [state.groupBy] : [], s));
  const model = useMemo(() => (flame.data !== undefined || !flame.loading ? decodeFlameGraph(flame.data) : undefined), [flame.data, flame.loading]);
  const unit = timelineUnit(type.sampleUnit, type.sampleType);
  const base = fileBase(service ?? '', state.profileType);

  return (
    <>
      <section className="panel" aria-label="Query">
        <div className="row" style={{ alignItems: 'flex-end' }}>
          <label className="field">
            <span>Service</span>
            <select aria-label="Service" value={service ?? ''} onChange={(e) => {
              const svc = e.target.value;
              update({ query: withMatcher(state.query, 'service_name', svc), profileType: services.data?.get(svc)?.[0] ?? '', focus: [], sandwich: '' });
            }}>
              {service === undefined ? <option value="">choose a service</option> : null}
              {service !== undefined && !services.data?.has(service) ? <option value={service}>{service} (no data in range)</option> : null}
              {[...(services.data?.keys() ?? [])].map((s) => <option key={s} value={s}>{s || '(no service_name)'}</option>)}
            </select>
          </label>
          <label className="field">
            <span>Profile type</span>
            <select aria-label="Profile type" value={state.profileType} onChange={(e) => update({ profileType: e.target.value, focus: [], sandwich: '' })}>
              {!types.includes(state.profileType) && state.profileType ? <option value={state.profileType}>{state.profileType}</option> : null}
              {types.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
          </label>
          <QueryBar api={api} value={state.query} start={start} end={end} label="Label selector"
            onRun={(query) => update({ query, focus: [], sandwich: '' })} />
          <TimeRange from={state.from} until={state.until} onChange={(from, until) => update({ from, until })} />
          <label className="field" title="The server keeps this many of the heaviest nodes and folds the rest into 'other' bars. 0 = the server's default.">
            <span>Max nodes</span>
            <input aria-label="Max nodes" type="number" min={0} step={1024} value={state.maxNodes} style={{ width: 96 }}
              onChange={(e) => update({ maxNodes: Math.max(0, Math.floor(Number(e.target.value) || 0)) })} />
          </label>
          <button onClick={range.refresh} title="Query again (relative ranges move to now)">Refresh</button>
        </div>
      </section>

      {services.error ? <ErrorBox what="Listing services" error={services.error} /> : null}
      {services.data && services.data.size === 0 ? (
        <div className="empty" role="status" data-testid="no-services">
          No profiles between {describeRange(state.from, state.until)}. Point an SDK at this server, or push one:
          <div><code>curl --data-binary @cpu.pb.gz 'http://{location.host}/ingest?name=my.app&amp;format=pprof'</code></div>
        </div>
      ) : null}
      {!range.valid ? <div className="alert" role="alert"><strong>Invalid time range</strong>{state.from} to {state.until} is not a range.</div> : null}

      {ready ? (
        <section className="panel" aria-label="Timeline">
          <div className="row" style={{ justifyContent: 'space-between', marginBottom: 4 }}>
            <span className="note">{type.name} {type.sampleType} in {unit.label}, step {step}s — drag to zoom into a range</span>
            <label className="row note">
              Group by
              <select aria-label="Group by" value={state.groupBy} onChange={(e) => update({ groupBy: e.target.value })}>
                <option value="">(none)</option>
                {(labelNames.data ?? []).filter((n) => !n.startsWith('__')).map((n) => <option key={n} value={n}>{n}</option>)}
              </select>
            </label>
          </div>
          {series.error ? <ErrorBox what="Timeline" error={series.error} /> : (
            <Timeline series={series.data ?? []} start={start} end={end} stepSeconds={step}
              toUnit={(v) => unit.perStep(v, step)} formatUnit={unit.format} unitLabel={unit.label} groupBy={state.groupBy}
              onSelect={(a, b) => update({ from: String(a), until: String(b) })} />
          )}
        </section>
      ) : null}

      {flame.error ? <ErrorBox what="Flame graph" error={flame.error} /> : null}
      {ready && flame.loading && !model ? <Loading what="flame graph" /> : null}
      {ready && model && !flame.error ? (
        model.rootTotal === 0 ? (
          <div className="empty" role="status" data-testid="no-data">
            No data for <code>{state.query}</code> ({state.profileType}) between {describeRange(state.from, state.until)}.
          </div>
        ) : (
          <FlameGraphPanel model={model} type={type} rangeSeconds={(end - start) / 1000} state={state} update={update} dark={dark}
            maxNodes={state.maxNodes || 8192}
            exports={{
              pprof: async () => {
                const bytes = await api.pprof(sel);
                const z = await gzip(bytes);
                download(`${base}.pb${z.gzipped ? '.gz' : ''}`, z.data);
              },
              json: () => download(`${base}.flamegraph.json`, new Blob([JSON.stringify({ ...sel, flamegraph: flame.data }, null, 1)], { type: 'application/json' })),
              png: (c) => pngOf(c, `${base}.png`),
            }} />
        )
      ) : null}
    </>
  );
}
