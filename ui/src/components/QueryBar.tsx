import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Api } from '../api/client';
import { type Completion, applyCompletion, completionAt, matcherValue } from '../state/selector';

export interface QueryBarProps {
  api: Api;
  value: string;
  start: number;
  end: number;
  label: string;
  onRun(query: string): void;
}

/**
 * The label selector, e.g. `{service_name="api", env="prod"}`, with autocompletion of label
 * names (LabelNames) and values (LabelValues) scoped to the selected service. Enter runs it;
 * every matcher reaches the queries.
 */
export function QueryBar(p: QueryBarProps) {
  const [text, setText] = useState(p.value);
  const [items, setItems] = useState<string[]>([]);
  const [active, setActive] = useState(0);
  const [ctx, setCtx] = useState<Completion | null>(null);
  const input = useRef<HTMLInputElement>(null);
  // Where the cursor goes once a chosen completion is in the DOM; placed in a layout effect, in
  // the same task as the click, so it can never land on text typed (or selected) afterwards.
  const pendingCursor = useRef<{ text: string; cursor: number } | null>(null);

  useEffect(() => setText(p.value), [p.value]);

  const refresh = (t: string, cursor: number) => {
    setCtx(completionAt(t, cursor));
  };

  useEffect(() => {
    if (!ctx) {
      setItems([]);
      return;
    }
    const ac = new AbortController();
    const svc = matcherValue(text, 'service_name');
    const scope = svc && !(ctx.kind === 'value' && ctx.name === 'service_name') ? [`{service_name=${JSON.stringify(svc)}}`] : [];
    const t = setTimeout(() => {
      const load = ctx.kind === 'name'
        ? p.api.labelNames(scope, p.start, p.end, ac.signal).then((n) => n.filter((x) => !x.startsWith('__')))
        : p.api.labelValues(ctx.name, scope, p.start, p.end, ac.signal);
      load.then((all) => {
        const prefix = ctx.prefix.toLowerCase();
        setItems(all.filter((x) => x.toLowerCase().includes(prefix)).slice(0, 50));
        setActive(0);
      }, () => setItems([]));
    }, 120);
    return () => { clearTimeout(t); ac.abort(); };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ctx?.kind, ctx?.prefix, ctx?.kind === 'value' ? ctx.name : '', p.start, p.end]);

  useLayoutEffect(() => {
    const pending = pendingCursor.current;
    const el = input.current;
    if (!pending || !el || el.value !== pending.text) return;
    pendingCursor.current = null;
    el.focus();
    el.setSelectionRange(pending.cursor, pending.cursor);
    refresh(pending.text, pending.cursor);
  });

  const choose = (choice: string) => {
    const el = input.current!;
    const cursor = el.selectionStart ?? text.length;
    if (!ctx) return;
    const r = applyCompletion(text, cursor, ctx, choice);
    setText(r.text);
    setItems([]);
    pendingCursor.current = { text: r.text, cursor: r.cursor };
  };

  return (
    <div className="query">
      <label className="field">
        <span>{p.label}</span>
        <input ref={input} aria-label={p.label} spellCheck={false} value={text} role="combobox"
          aria-expanded={items.length > 0} aria-autocomplete="list"
          onChange={(e) => { setText(e.target.value); refresh(e.target.value, e.target.selectionStart ?? e.target.value.length); }}
          onClick={(e) => refresh(text, e.currentTarget.selectionStart ?? text.length)}
          onBlur={() => setTimeout(() => setItems([]), 150)}
          onKeyDown={(e) => {
            if (items.length > 0 && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
              e.preventDefault();
              setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length);
            } else if (items.length > 0 && (e.key === 'Tab' || (e.key === 'Enter' && ctx))) {
              e.preventDefault();
              choose(items[active]);
            } else if (e.key === 'Enter') {
              setItems([]);
              p.onRun(text);
            } else if (e.key === 'Escape') {
              setItems([]);
            }
          }} />
      </label>
      {items.length > 0 ? (
        <ul className="suggest" role="listbox">
          {items.map((it, i) => (
            <li key={it} role="option" aria-selected={i === active} onMouseDown={(e) => { e.preventDefault(); choose(it); }}>{it}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
