// Search: comma-separated terms, each tried as a case-insensitive regular expression and, when
// it is not one, as a plain substring. A name matches when any term matches.

export interface Search {
  /** Per name index: 1 when the name matches. Empty when there is no search. */
  names: Uint8Array;
  active: boolean;
  /** Terms that were not valid regular expressions (matched as text instead). */
  literal: string[];
}

export function compileSearch(query: string): ((name: string) => boolean) | null {
  const terms = query.split(',').map((t) => t.trim()).filter((t) => t.length > 0);
  if (terms.length === 0) {
    return null;
  }
  const tests = terms.map((t) => {
    try {
      const re = new RegExp(t, 'i');
      return (s: string) => re.test(s);
    } catch {
      const lower = t.toLowerCase();
      return (s: string) => s.toLowerCase().includes(lower);
    }
  });
  return (s) => tests.some((f) => f(s));
}

export function searchNames(names: string[], query: string): Search {
  const match = compileSearch(query);
  const out = new Uint8Array(names.length);
  if (!match) {
    return { names: out, active: false, literal: [] };
  }
  for (let i = 0; i < names.length; i++) {
    // Index 0 is the synthetic root "total": never a search hit.
    out[i] = i > 0 && match(names[i]) ? 1 : 0;
  }
  const literal = query.split(',').map((t) => t.trim()).filter((t) => {
    if (!t) return false;
    try {
      new RegExp(t);
      return false;
    } catch {
      return true;
    }
  });
  return { names: out, active: true, literal };
}

/** Escapes a function name into a search term that matches exactly that name. */
export function exactTerm(name: string): string {
  return '^' + name.replace(/[.*+?^${}()|[\]\\,]/g, '\\$&') + '$';
}
