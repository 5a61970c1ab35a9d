import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type FlameModel, children, findStack, focusView, otherSummary, stackOf } from '../flamegraph/model';
import { exactTerm, searchNames } from '../flamegraph/search';
import { relativeChange, topTable } from '../flamegraph/table';
import { sandwich as buildSandwich } from '../flamegraph/sandwich';
import { legendStops } from '../flamegraph/colors';
import { type ProfileTypeParts, formatCores, formatValue, percent } from '../flamegraph/units';
import type { ViewState } from '../state/url';
import { FlameCanvas, type FlameCanvasHandle } from './FlameCanvas';
import { TopTable, formatChange } from './TopTable';

export interface FlameGraphPanelProps {
  model: FlameModel;
  type: ProfileTypeParts;
  rangeSeconds: number;
  state: ViewState;
  update(patch: Partial<ViewState>): void;
  dark: boolean;
  /** The node budget the server used, to explain `other`. */
  maxNodes: number;
  exports: { pprof?(): Promise<void>; json(): void; png(canvas: HTMLCanvasElement): void };
}

type Which = 'main' | 'callers' | 'callees';
interface Pointer { node: number; x: number; y: number; which: Which }

export function FlameGraphPanel(p: FlameGraphPanelProps) {
  const { model, state, update } = p;
  const diff = model.diff;
  const fmt = useCallback((v: number) => formatValue(v, p.type.sampleUnit, p.type.sampleType), [p.type.sampleUnit, p.type.sampleType]);
  const [searchText, setSearchText] = useState(state.search);
  const [hover, setHover] = useState<Pointer>();
  const [menu, setMenu] = useState<Pointer>();
  const [rowHover, setRowHover] = useState<number>();
  const [exportError, setExportError] = useState<string>();
  const main = useRef<FlameCanvasHandle>(null);

  // Typing updates the URL after a short pause, so the table and graph filter as you type.
  useEffect(() => setSearchText(state.search), [state.search]);
  useEffect(() => {
    if (searchText === state.search) return;
    const t = setTimeout(() => update({ search: searchText }), 200);
    return () => clearTimeout(t);
  }, [searchText, state.search, update]);

  const kids = useMemo(() => children(model), [model]);
  const search = useMemo(() => searchNames(model.names, state.search), [model, state.search]);
  const rows = useMemo(() => topTable(model), [model]);
  const focusNode = useMemo(() => (state.focus.length > 0 ? findStack(model, state.focus, kids) : -1), [model, state.focus, kids]);
  const view = useMemo(() => focusView(model, focusNode), [model, focusNode]);
  const other = useMemo(() => otherSummary(model), [model]);
  const sw = useMemo(() => (state.sandwich && !diff ? buildSandwich(model, state.sandwich) : undefined), [model, state.sandwich, diff]);
  const swViews = useMemo(() => sw && { callers: focusView(sw.callers, -1), callees: focusView(sw.callees, -1) }, [sw]);
  const swSearch = useMemo(() => (sw && search.active
    ? { callers: searchNames(sw.callers.names, state.search), callees: searchNames(sw.callees.names, state.search) }
    : undefined), [sw, search, state.search]);

  useEffect(() => {
    if (!menu) return;
    const close = () => setMenu(undefined);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && close();
    addEventListener('click', close);
    addEventListener('keydown', onKey);
    return () => { removeEventListener('click', close); removeEventListener('keydown', onKey); };
  }, [menu]);

  // Stable callbacks, so hovering the graph does not re-render the (memoised) table.
  const onSort = useCallback((sort: string) => update({ sort }), [update]);
  const onSearch = useCallback((name: string) => update({ search: exactTerm(name) }), [update]);
  const onSandwich = useCallback((name: string) => update({ sandwich: name, focus: [] }), [update]);
  const tableDiff = useMemo(() => (diff ? { leftTicks: diff.leftTicks, rightTicks: diff.rightTicks, format: fmt } : undefined), [diff, fmt]);

  const modelOf = (w: Which): FlameModel => (w === 'main' || !sw ? model : sw[w]);
  const focusOn = (n: number) => update({ focus: n > 0 ? stackOf(model, n) : [], sandwich: '' });
  const highlight = rowHover;
  const empty = model.rootTotal === 0;
  const total = model.rootTotal;

  const canvasFor = (w: Which, m: FlameModel, v: ReturnType<typeof focusView>, label: string) => (
    <FlameCanvas
      ref={w === 'main' ? main : undefined}
      testId={w === 'main' ? 'flamegraph-canvas' : `sandwich-${w}`}
      model={m} view={v} dark={p.dark} colorMode={state.color} palette={state.palette}
      search={!search.active ? null : w === 'main' ? search : swSearch?.[w]}
      inverted={w === 'callers'}
      highlight={highlight !== undefined ? m.names.indexOf(model.names[highlight]) : undefined}
      label={label}
      onHover={(node, x, y) => setHover(node >= 0 ? { node, x, y, which: w } : undefined)}
      onClick={(node) => {
        if (w === 'main') focusOn(node);
        else if (node > 0) update({ sandwich: m.names[m.name[node]] });
      }}
      onMenu={(node, x, y) => setMenu({ node, x, y, which: w })}
    />
  );

  return (
    <section className="panel" aria-label="Flame graph">
      <div className="fg-header">
        <label className="field">
          <span>Search</span>
          <input type="search" aria-label="Search functions" placeholder="regex or text, comma-separated" value={searchText}
            onChange={(e) => setSearchText(e.target.value)} style={{ width: 260 }} />
        </label>
        {!diff ? (
          <label className="field">
            <span>Colour</span>
            <select aria-label="Colour by" value={state.color} onChange={(e) => update({ color: e.target.value as 'package' | 'value' })}>
              <option value="package">by package</option>
              <option value="value">by value</option>
            </select>
          </label>
        ) : (
          <label className="field">
            <span>Palette</span>
            <select aria-label="Diff palette" value={state.palette} onChange={(e) => update({ palette: e.target.value as 'blue-red' | 'green-red' })}>
              <option value="blue-red">blue → red (colour-blind safe)</option>
              <option value="green-red">green → red</option>
            </select>
          </label>
        )}
        <label className="field">
          <span>Show</span>
          <select aria-label="Layout" value={state.layout} onChange={(e) => update({ layout: e.target.value as ViewState['layout'] })}>
            <option value="both">table and flame graph</option>
            <option value="graph">flame graph</option>
            <option value="table">top table</option>
          </select>
        </label>
        {state.focus.length > 0 || state.sandwich ? (
          <button onClick={() => update({ focus: [], sandwich: '' })}>Reset focus and sandwich</button>
        ) : null}
        <span style={{ flex: 1 }} />
        <div className="row" role="group" aria-label="Export">
          <span className="note">Export</span>
          {p.exports.pprof ? (
            <button onClick={() => { setExportError(undefined); p.exports.pprof!().catch((e: Error) => setExportError(e.message)); }}
              title="The merged profile as gzipped pprof (SelectMergeProfile)">pprof</button>
          ) : null}
          <button onClick={() => p.exports.json()} title="The flame graph as the server returned it">JSON</button>
          <button onClick={() => { const c = main.current?.canvas(); if (c) p.exports.png(c); }} title="The flame graph as an image">PNG</button>
        </div>
      </div>
      {exportError ? <div className="alert" role="alert"><strong>Export failed</strong>{exportError}</div> : null}
      {diff ? <DiffLegend palette={state.palette} dark={p.dark} leftTicks={diff.leftTicks} rightTicks={diff.rightTicks} fmt={fmt} /> : null}
      {other.nodes > 0 ? (
        <p className="note" data-testid="other-note">
          <b>other</b>: the server kept the {p.maxNodes.toLocaleString()} heaviest nodes (the max nodes setting) and folded
          the callees below that size into {other.nodes.toLocaleString()} “other” bar{other.nodes > 1 ? 's' : ''}, {fmt(other.total)} in all
          ({percent(other.total, total)} of the total). Their self time is not in the table; raise max nodes to see them.
        </p>
      ) : null}
      {state.focus.length > 0 && focusNode < 0 && !empty ? (
        <p className="note" role="status">The focused frame {state.focus.join(' → ')} is not in this flame graph; showing everything.</p>
      ) : null}
      {empty ? (
        <div className="empty" role="status">The flame graph is empty: these profiles have no samples of this type in this range.</div>
      ) : (
        <div className={`fg-body ${state.layout}`}>
          {state.layout !== 'graph' ? (
            <TopTable rows={rows} matches={search.active ? search.names : null} sort={state.sort}
              onSort={onSort} format={fmt} total={total} diff={tableDiff}
              active={state.sandwich || undefined}
              onHoverRow={setRowHover}
              onSearch={onSearch}
              onSandwich={diff ? undefined : onSandwich} />
          ) : null}
          {state.layout !== 'table' ? (
            <div className="graph-wrap">
              {sw && swViews ? (
                <div className="sandwich" data-testid="sandwich">
                  <div className="row"><b>Sandwich of</b><code>{state.sandwich}</code>
                    <span className="note">total {fmt(sw.total)} ({percent(sw.total, total)}), self {fmt(sw.self)}</span>
                    <button className="small" onClick={() => update({ sandwich: '' })}>Close</button></div>
                  <h4>Callers (the function at the bottom, each row up one caller further away)</h4>
                  {canvasFor('callers', sw.callers, swViews.callers, `Callers of ${state.sandwich}`)}
                  <h4>Callees (every call of the function merged)</h4>
                  {canvasFor('callees', sw.callees, swViews.callees, `Callees of ${state.sandwich}`)}
                </div>
              ) : (
                canvasFor('main', model, view, `Flame graph: ${model.size} nodes, total ${fmt(total)}${search.active ? `, search “${state.search}”` : ''}`)
              )}
            </div>
          ) : null}
        </div>
      )}
      {hover && !menu ? <Tooltip ptr={hover} model={modelOf(hover.which)} total={hover.which === 'main' ? total : modelOf(hover.which).rootTotal}
        focusTotal={hover.which === 'main' && focusNode > 0 ? model.total[focusNode] : 0}
        fmt={fmt} type={p.type} rangeSeconds={p.rangeSeconds} /> : null}
      {menu ? (
        <div className="menu" role="menu" style={{ left: menu.x, top: menu.y }} onClick={(e) => e.stopPropagation()}>
          {(() => {
            const m = modelOf(menu.which);
            const name = m.names[m.name[menu.node]];
            const close = () => setMenu(undefined);
            return (
              <>
                {menu.which === 'main' ? <button role="menuitem" onClick={() => { focusOn(menu.node); close(); }}>Focus on this frame</button> : null}
                {!diff && menu.node > 0 ? <button role="menuitem" onClick={() => { update({ sandwich: name, focus: [] }); close(); }}>Sandwich view</button> : null}
                {menu.node > 0 ? <button role="menuitem" onClick={() => { update({ search: exactTerm(name) }); close(); }}>Search for this function</button> : null}
                <button role="menuitem" onClick={() => { void navigator.clipboard?.writeText(name); close(); }}>Copy function name</button>
                {state.focus.length > 0 ? <button role="menuitem" onClick={() => { update({ focus: [] }); close(); }}>Reset focus</button> : null}
              </>
            );
          })()}
        </div>
      ) : null}
    </section>
  );
}

function Tooltip(p: { ptr: Pointer; model: FlameModel; total: number; focusTotal: number; fmt(v: number): string; type: ProfileTypeParts; rangeSeconds: number }) {
  const { model: m, ptr } = p;
  const n = ptr.node;
  const name = m.names[m.name[n]];
  const cores = formatCores(m.total[n], p.type.sampleUnit, p.rangeSeconds);
  const d = m.diff;
  const style = { left: Math.min(ptr.x + 14, window.innerWidth - 540), top: ptr.y + 16 };
  return (
    <div className="tooltip" role="tooltip" style={style}>
      <div className="name">{name}</div>
      {d ? (
        <table><tbody>
          <tr><td>Baseline</td><td>{p.fmt(d.leftTotal[n])} ({percent(d.leftTotal[n], d.leftTicks)}), self {p.fmt(d.leftSelf[n])}</td></tr>
          <tr><td>Comparison</td><td>{p.fmt(d.rightTotal[n])} ({percent(d.rightTotal[n], d.rightTicks)}), self {p.fmt(d.rightSelf[n])}</td></tr>
          <tr><td>Change</td><td>{describeChange(relativeChange(d.leftTotal[n], d.rightTotal[n], d.leftTicks, d.rightTicks))}</td></tr>
        </tbody></table>
      ) : (
        <table><tbody>
          <tr><td>Total</td><td>{p.fmt(m.total[n])} ({percent(m.total[n], p.total)}){cores ? `, ${cores}` : ''}</td></tr>
          <tr><td>Self</td><td>{p.fmt(m.self[n])} ({percent(m.self[n], p.total)})</td></tr>
          {p.focusTotal > 0 ? <tr><td>Of focus</td><td>{percent(m.total[n], p.focusTotal)}</td></tr> : null}
          <tr><td>Raw</td><td>total {m.total[n].toLocaleString()}, self {m.self[n].toLocaleString()} {p.type.sampleUnit || ''}</td></tr>
        </tbody></table>
      )}
    </div>
  );
}

function describeChange(change: number): string {
  if (change === Infinity) return 'new: only in the comparison';
  if (change === -1) return 'removed: only in the baseline';
  return `${formatChange(change)} of its share of the total`;
}

function DiffLegend(p: { palette: 'blue-red' | 'green-red'; dark: boolean; leftTicks: number; rightTicks: number; fmt(v: number): string }) {
  const stops = legendStops(p.palette, p.dark);
  return (
    <div className="row" style={{ marginBottom: 8 }}>
      <div className="diff-legend" role="img" data-testid="diff-legend"
        aria-label="Diff legend: colour by change of a frame's share from baseline to comparison, from -100% (less, or removed) to +100% (more, or new)">
        <span className="note" style={{ color: 'var(--muted)', textShadow: 'none' }}>less in comparison</span>
        {stops.map((s) => <span key={s.label} style={{ background: s.color }}>{s.label}</span>)}
        <span className="note" style={{ color: 'var(--muted)', textShadow: 'none' }}>more in comparison</span>
      </div>
      <span className="note">Baseline total {p.fmt(p.leftTicks)}, comparison total {p.fmt(p.rightTicks)}. Bars are as wide as both together; colour shows the change of each frame's share.</span>
    </div>
  );
}
