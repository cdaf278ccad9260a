// useThrottledValue: a value from a store, read again at most every `ms` while the store keeps
// changing. For views that need not follow every batch of events (the runs list, the results
// bar): with many runs going they render a few times a second, not twenty.
import { useEffect, useRef, useState } from "react";
import type { StoreApi, UseBoundStore } from "zustand";

export function useThrottledValue<S, T>(
  store: UseBoundStore<StoreApi<S>>,
  select: (s: S) => T,
  ms: number,
  /** what the selector depends on besides the store: a change reads at once */
  key: unknown = null,
): T {
  const selectRef = useRef(select);
  selectRef.current = select;
  const [state, setState] = useState(() => ({ key, value: select(store.getState()) }));
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    const read = () => {
      timer.current = null;
      last.current = Date.now();
      const value = selectRef.current(store.getState());
      setState((s) => (Object.is(s.value, value) && s.key === key ? s : { key, value }));
    };
    read();
    const unsub = store.subscribe(() => {
      if (timer.current) return;
      const wait = last.current + ms - Date.now();
      if (wait <= 0) read();
      else timer.current = setTimeout(read, wait);
    });
    return () => {
      unsub();
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [store, ms, key]);
  // until the effect has read it, a new key gets its value straight from the store
  return Object.is(state.key, key) ? state.value : select(store.getState());
}
