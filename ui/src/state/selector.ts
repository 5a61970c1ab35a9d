// Prometheus-style label selectors, `{name="value", other=~"re"}`: a small parser for the query
// bar (to edit matchers and to know what to autocomplete). The server parses for real and its
// error message is shown as is.

export type Op = '=' | '!=' | '=~' | '!~';
export interface Matcher { name: string; op: Op; value: string }

export function parseSelector(s: string): { matchers: Matcher[]; error?: string } {
  const t = s.trim();
  if (t === '' || t === '{}') return { matchers: [] };
  if (!t.startsWith('{') || !t.endsWith('}')) return { matchers: [], error: 'a selector looks like {name="value", ...}' };
  const body = t.slice(1, -1);
  const matchers: Matcher[] = [];
  const re = /\s*([A-Za-z_][\w.]*|"(?:[^"\\]|\\.)*")\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  let pos = 0;
  while (pos < body.length) {
    if (/^\s*$/.test(body.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(body);
    if (!m) return { matchers, error: `cannot parse the selector near "${body.slice(pos, pos + 20).trim()}"` };
    const name = m[1].startsWith('"') ? JSON.parse(m[1]) as string : m[1];
    matchers.push({ name, op: m[2] as Op, value: unescape(m[3]) });
    pos = re.lastIndex;
  }
  return { matchers };
}

function unescape(v: string): string {
  try {
    return JSON.parse('"' + v + '"') as string;
  } catch {
    return v;
  }
}

export function formatSelector(matchers: Matcher[]): string {
  return '{' + matchers.map((m) => `${/^[A-Za-z_]\w*$/.test(m.name) ? m.name : JSON.stringify(m.name)}${m.op}${JSON.stringify(m.value)}`).join(', ') + '}';
}

/** The selector with `name="value"` replacing any matchers on that name. */
export function withMatcher(selector: string, name: string, value: string): string {
  const { matchers } = parseSelector(selector);
  const rest = matchers.filter((m) => m.name !== name);
  return formatSelector([{ name, op: '=', value }, ...rest]);
}

export function matcherValue(selector: string, name: string): string | undefined {
  return parseSelector(selector).matchers.find((m) => m.name === name && m.op === '=')?.value;
}

export type Completion =
  | { kind: 'name'; prefix: string; from: number }
  | { kind: 'value'; name: string; prefix: string; from: number };

/** What to complete at `cursor`: a label name after `{` or `,`, a value after `name="`. */
export function completionAt(text: string, cursor: number): Completion | null {
  const before = text.slice(0, cursor);
  const value = /([A-Za-z_][\w.]*)\s*(?:=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)$/.exec(before);
  if (value) {
    return { kind: 'value', name: value[1], prefix: value[2], from: cursor - value[2].length };
  }
  const name = /(?:^\{|,)\s*([A-Za-z_][\w.]*)?$/.exec(before);
  if (name && before.includes('{') && !insideQuotes(before)) {
    const prefix = name[1] ?? '';
    return { kind: 'name', prefix, from: cursor - prefix.length };
  }
  return null;
}

function insideQuotes(s: string): boolean {
  let inside = false;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') inside = !inside;
  }
  return inside;
}

/** Applies a chosen completion: replaces the prefix and closes quotes or adds the operator. */
export function applyCompletion(text: string, cursor: number, c: Completion, choice: string): { text: string; cursor: number } {
  if (c.kind === 'name') {
    const insert = choice + '="';
    const t = text.slice(0, c.from) + insert + text.slice(cursor);
    return { text: t, cursor: c.from + insert.length };
  }
  let after = text.slice(cursor);
  const closing = after.startsWith('"') ? 1 : 0;
  after = after.slice(closing);
  const escaped = JSON.stringify(choice).slice(1, -1);
  const insert = escaped + '"';
  const t = text.slice(0, c.from) + insert + after;
  return { text: t, cursor: c.from + insert.length };
}
