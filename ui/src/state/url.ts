// The whole view state as a URL: the path picks the page (Pyroscope's routes), the query
// string holds everything else, and defaults are left out so links stay short.

import type { ColorMode, DiffPalette } from '../flamegraph/colors';

export type Page = 'single' | 'diff';
export type Layout = 'both' | 'graph' | 'table';

export interface ViewState {
  page: Page;
  query: string;
  profileType: string;
  from: string;
  until: string;
  groupBy: string;
  maxNodes: number;
  search: string;
  /** The focused frame as the stack of names from the root down, or empty. */
  focus: string[];
  sandwich: string;
  color: ColorMode;
  sort: string;
  layout: Layout;
  leftQuery: string;
  leftFrom: string;
  leftUntil: string;
  rightQuery: string;
  rightFrom: string;
  rightUntil: string;
  palette: DiffPalette;
  tenant: string;
}

export const DEFAULTS: ViewState = {
  page: 'single', query: '{}', profileType: '', from: 'now-1h', until: 'now', groupBy: '', maxNodes: 16384,
  search: '', focus: [], sandwich: '', color: 'package', sort: 'self-desc', layout: 'both',
  leftQuery: '', leftFrom: '', leftUntil: '', rightQuery: '', rightFrom: '', rightUntil: '', palette: 'blue-red', tenant: '',
};

const PATHS: Record<Page, string> = { single: '/', diff: '/comparison-diff' };
const PARAMS: (keyof ViewState)[] = ['query', 'profileType', 'from', 'until', 'groupBy', 'maxNodes', 'search', 'focus',
  'sandwich', 'color', 'sort', 'layout', 'leftQuery', 'leftFrom', 'leftUntil', 'rightQuery', 'rightFrom', 'rightUntil',
  'palette', 'tenant'];
// A separator that function names do not contain.
const STACK_SEP = '\u2192';

export function toSearch(s: ViewState): string {
  const p = new URLSearchParams();
  for (const k of PARAMS) {
    const v = s[k];
    const d = DEFAULTS[k];
    if (k === 'focus') {
      if (s.focus.length > 0) p.set('focus', s.focus.join(STACK_SEP));
    } else if (v !== d) {
      p.set(k, String(v));
    }
  }
  const q = p.toString();
  return q ? '?' + q : '';
}

/** The path relative to the app's base: `''` or `comparison-diff`. */
export function pagePath(page: Page): string {
  return PATHS[page].slice(1);
}

export function fromLocation(pathname: string, search: string): ViewState {
  const p = new URLSearchParams(search);
  const s: ViewState = { ...DEFAULTS, focus: [] };
  s.page = /\/comparison-diff\/?$/.test(pathname) ? 'diff' : 'single';
  for (const k of PARAMS) {
    const v = p.get(k);
    if (v === null) continue;
    if (k === 'maxNodes') {
      const n = Number(v);
      s.maxNodes = Number.isFinite(n) && n >= 0 ? Math.floor(n) : DEFAULTS.maxNodes;
    } else if (k === 'focus') {
      s.focus = v ? v.split(STACK_SEP) : [];
    } else if (k === 'color') {
      s.color = v === 'value' ? 'value' : 'package';
    } else if (k === 'palette') {
      s.palette = v === 'green-red' ? 'green-red' : 'blue-red';
    } else if (k === 'layout') {
      s.layout = v === 'graph' || v === 'table' ? v : 'both';
    } else {
      (s as unknown as Record<string, string>)[k] = v;
    }
  }
  return s;
}
