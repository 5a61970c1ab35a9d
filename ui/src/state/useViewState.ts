import { useCallback, useEffect, useState } from 'react';
import { type ViewState, fromLocation, pagePath, toSearch } from './url';

/**
 * The view state, mirrored into the URL: every change replaces the current history entry
 * (typing does not flood the back button), a change of page pushes a new one, and the back
 * button restores the state from the URL.
 */
export type Patch = Partial<ViewState> | ((prev: ViewState) => Partial<ViewState>);

export function useViewState(): [ViewState, (patch: Patch, push?: boolean) => void] {
  const [state, setState] = useState<ViewState>(() => fromLocation(location.pathname, location.search));

  useEffect(() => {
    const onPop = () => setState(fromLocation(location.pathname, location.search));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  // A function patch sees the latest state, for updates decided in effects that may race a click.
  const update = useCallback((patch: Patch, push = false) => {
    setState((prev) => {
      const next = { ...prev, ...(typeof patch === 'function' ? patch(prev) : patch) };
      const base = document.baseURI;
      const url = new URL(pagePath(next.page) + toSearch(next), base);
      const target = url.pathname + url.search;
      if (target !== location.pathname + location.search) {
        if (push || next.page !== prev.page) history.pushState(null, '', target);
        else history.replaceState(null, '', target);
      }
      return next;
    });
  }, []);

  return [state, update];
}
