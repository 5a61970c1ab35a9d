import { memo, useMemo } from 'react';
import { type Row, type SortKey, relativeChange, sortRows } from '../flamegraph/table';
import { percent } from '../flamegraph/units';

export interface TopTableProps {
  rows: Row[];
  /** Name indexes that match the search; null when there is no search. */
  matches: Uint8Array | null;
  sort: string;
  onSort(sort: string): void;
  format(v: number): string;
  total: number;
  diff?: { leftTicks: number; rightTicks: number; format(v: number): string };
  active?: string;
  onHoverRow(nameIndex: number | undefined): void;
  onSearch(name: string): void;
  onSandwich?(name: string): void;
}

const LIMIT = 500;

/** Self and total per function, sortable; filtered by the search like the graph. */
export const TopTable = memo(function TopTable(p: TopTableProps) {
  const [key, dir] = p.sort.split('-') as [SortKey, string];
  const sorted = useMemo(() => {
    const rows = p.matches ? p.rows.filter((r) => p.matches![r.nameIndex] === 1) : p.rows;
    return sortRows(rows, key, dir !== 'asc', p.diff?.leftTicks, p.diff?.rightTicks);
  }, [p.rows, p.matches, key, dir, p.diff]);
  const shown = sorted.slice(0, LIMIT);
  const maxSelf = Math.max(1e-9, ...shown.map((r) => r.self));

  const header = (k: SortKey, label: string) => {
    const activeKey = key === k;
    const next = activeKey && dir !== 'asc' ? 'asc' : 'desc';
    return (
      <th aria-sort={activeKey ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button onClick={() => p.onSort(`${k}-${k === 'name' && !activeKey ? 'asc' : next}`)}>
          {label}{activeKey ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
        </button>
      </th>
    );
  };

  return (
    <div className="table-wrap">
      <table className="top" data-testid="top-table">
        <thead>
          <tr>
            {header('name', 'Symbol')}
            {p.diff ? (
              <>
                {header('left', 'Baseline')}
                {header('right', 'Comparison')}
                {header('diff', 'Diff')}
              </>
            ) : null}
            {!p.diff ? header('self', 'Self') : null}
            {!p.diff ? header('total', 'Total') : null}
            {p.onSandwich ? <th aria-label="actions" /> : null}
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => {
            const change = p.diff ? relativeChange(r.leftTotal ?? 0, r.rightTotal ?? 0, p.diff.leftTicks, p.diff.rightTicks) : 0;
            return (
              <tr key={r.nameIndex} className={p.active === r.name ? 'active' : undefined}
                onMouseEnter={() => p.onHoverRow(r.nameIndex)} onMouseLeave={() => p.onHoverRow(undefined)}>
                <td className="sym" title={r.name}>
                  <button onClick={() => p.onSearch(r.name)} title={`Search for ${r.name}`}>{r.name}</button>
                </td>
                {p.diff ? (
                  <>
                    <td title={p.diff.format(r.leftTotal ?? 0)}>{percent(r.leftTotal ?? 0, p.diff.leftTicks)}</td>
                    <td title={p.diff.format(r.rightTotal ?? 0)}>{percent(r.rightTotal ?? 0, p.diff.rightTicks)}</td>
                    <td>{formatChange(change)}</td>
                  </>
                ) : null}
                {!p.diff ? (
                  <>
                    <td title={percent(r.self, p.total)}>
                      <span className="bar" style={{ width: `${Math.round((28 * r.self) / maxSelf)}px` }} />
                      {p.format(r.self)}
                    </td>
                    <td title={percent(r.total, p.total)}>{p.format(r.total)}</td>
                  </>
                ) : null}
                {p.onSandwich ? (
                  <td className="actions">
                    <button className="small" onClick={() => p.onSandwich!(r.name)} title="Show callers and callees (sandwich view)" aria-label={`Sandwich view of ${r.name}`}>⇅</button>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
      {sorted.length > LIMIT ? <div className="note" style={{ padding: 6 }}>{sorted.length - LIMIT} more functions; search to narrow the list.</div> : null}
      {sorted.length === 0 ? <div className="note" style={{ padding: 6 }}>No function matches the search.</div> : null}
    </div>
  );
});

export function formatChange(change: number): string {
  if (change === Infinity) return 'new';
  if (change === -1) return 'removed';
  return (change > 0 ? '+' : '') + (change * 100).toFixed(1) + '%';
}
