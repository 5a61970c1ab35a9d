// The Connect client for the query API on the same origin. JSON for everything but the pprof
// export, which asks for binary protobuf (application/proto) and gets the pprof bytes back.
// Paths are relative (no leading slash) so <base href> makes sub-path hosting work.

import type { FlameGraphJson } from '../flamegraph/model';
import { encodeSelectMergeProfile } from './proto';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export interface LabelPair { name: string; value: string }
export interface Point { value?: number; timestamp?: string }
export interface Series { labels?: LabelPair[]; points?: Point[] }

export interface Selection {
  profileTypeID: string;
  labelSelector: string;
  start: number;
  end: number;
  maxNodes?: number;
}

const SERVICE = 'querier.v1.QuerierService/';

export class Api {
  constructor(private readonly tenant: string) {}

  private headers(contentType: string): Record<string, string> {
    const h: Record<string, string> = { 'Content-Type': contentType, 'Connect-Protocol-Version': '1' };
    if (this.tenant) h['X-Scope-OrgID'] = this.tenant;
    return h;
  }

  async call<T>(method: string, body: unknown, signal?: AbortSignal): Promise<T> {
    let res: Response;
    try {
      res = await fetch(SERVICE + method, { method: 'POST', headers: this.headers('application/json'), body: JSON.stringify(body), signal });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new ApiError(0, 'unavailable', `cannot reach the server: ${(e as Error).message}`);
    }
    if (!res.ok) throw await errorOf(res, method);
    return (await res.json()) as T;
  }

  async labelNames(matchers: string[], start: number, end: number, signal?: AbortSignal): Promise<string[]> {
    const r = await this.call<{ names?: string[] }>('LabelNames', { matchers, start: String(start), end: String(end) }, signal);
    return r.names ?? [];
  }

  async labelValues(name: string, matchers: string[], start: number, end: number, signal?: AbortSignal): Promise<string[]> {
    const r = await this.call<{ names?: string[] }>('LabelValues', { name, matchers, start: String(start), end: String(end) }, signal);
    return r.names ?? [];
  }

  /** Services and their profile types, from one Series call. */
  async services(start: number, end: number, signal?: AbortSignal): Promise<Map<string, string[]>> {
    const r = await this.call<{ labelsSet?: { labels?: LabelPair[] }[] }>('Series', {
      matchers: [], labelNames: ['service_name', '__profile_type__'], start: String(start), end: String(end),
    }, signal);
    const out = new Map<string, Set<string>>();
    for (const set of r.labelsSet ?? []) {
      const l = Object.fromEntries((set.labels ?? []).map((p) => [p.name, p.value]));
      const svc = l['service_name'] ?? '';
      const type = l['__profile_type__'];
      if (!type) continue;
      if (!out.has(svc)) out.set(svc, new Set());
      out.get(svc)!.add(type);
    }
    return new Map([...out.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => [k, [...v].sort(byTypeOrder)]));
  }

  async flameGraph(s: Selection, signal?: AbortSignal): Promise<FlameGraphJson | undefined> {
    const r = await this.call<{ flamegraph?: FlameGraphJson }>('SelectMergeStacktraces', request(s), signal);
    return r.flamegraph;
  }

  async diff(left: Selection, right: Selection, signal?: AbortSignal): Promise<FlameGraphJson | undefined> {
    const r = await this.call<{ flamegraph?: FlameGraphJson }>('Diff', { left: request(left), right: request(right) }, signal);
    return r.flamegraph;
  }

  async series(s: Selection, step: number, groupBy: string[], signal?: AbortSignal): Promise<Series[]> {
    const r = await this.call<{ series?: Series[] }>('SelectSeries', {
      profileTypeID: s.profileTypeID, labelSelector: s.labelSelector, start: String(s.start), end: String(s.end),
      step, groupBy, limit: groupBy.length > 0 ? '12' : undefined,
    }, signal);
    return r.series ?? [];
  }

  /** The merged profile as pprof bytes (binary Connect call). */
  async pprof(s: Selection): Promise<Uint8Array> {
    const res = await fetch(SERVICE + 'SelectMergeProfile', {
      method: 'POST', headers: this.headers('application/proto'),
      body: encodeSelectMergeProfile(s.profileTypeID, s.labelSelector, s.start, s.end) as BodyInit,
    });
    if (!res.ok) throw await errorOf(res, 'SelectMergeProfile');
    return new Uint8Array(await res.arrayBuffer());
  }
}

function request(s: Selection) {
  return {
    profileTypeID: s.profileTypeID, labelSelector: s.labelSelector, start: String(s.start), end: String(s.end),
    maxNodes: s.maxNodes ? String(s.maxNodes) : undefined,
  };
}

async function errorOf(res: Response, method: string): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const j = JSON.parse(text) as { code?: string; message?: string };
    if (j.message) return new ApiError(res.status, j.code ?? String(res.status), j.message);
  } catch {
    // not JSON (e.g. binary Connect errors are JSON too, but a proxy may answer HTML)
  }
  return new ApiError(res.status, String(res.status), `${method} failed with HTTP ${res.status}${text ? ': ' + text.slice(0, 200) : ''}`);
}

// CPU first, then memory, then the rest, as people look for them.
function byTypeOrder(a: string, b: string): number {
  const rank = (t: string) => (t.startsWith('process_cpu:cpu') ? 0 : t.startsWith('process_cpu') ? 1 : t.startsWith('memory') ? 2 : t.startsWith('wall') ? 3 : 4);
  return rank(a) - rank(b) || a.localeCompare(b);
}
