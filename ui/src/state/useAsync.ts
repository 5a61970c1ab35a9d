import { useEffect, useState } from 'react';

export interface Async<T> {
  loading: boolean;
  data?: T;
  error?: Error;
}

/** Runs `load` whenever `key` changes (null: do nothing), cancelling the previous run. */
export function useAsync<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Async<T> {
  const [state, setState] = useState<Async<T>>({ loading: false });
  useEffect(() => {
    if (key === null) {
      setState({ loading: false });
      return;
    }
    const ac = new AbortController();
    setState((s) => ({ loading: true, data: s.data }));
    load(ac.signal).then(
      (data) => { if (!ac.signal.aborted) setState({ loading: false, data }); },
      (error: Error) => { if (!ac.signal.aborted) setState({ loading: false, error }); },
    );
    return () => ac.abort();
    // `load` is recreated every render; `key` says when the inputs changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return state;
}
