// Undo/redo over snapshots of the edited graph. Edits that come in a burst under one key
// (typing in a field) are merged into one step.

export interface History<T> {
  past: T[];
  future: T[];
  lastKey?: string;
  lastAt?: number;
}

export const HISTORY_LIMIT = 100;
export const MERGE_WINDOW_MS = 1000;

export function emptyHistory<T>(): History<T> {
  return { past: [], future: [] };
}

/** record notes the state before an edit. An edit with the same key as the previous one,
 * within MERGE_WINDOW_MS, joins its step instead of adding one. */
export function record<T>(h: History<T>, before: T, key?: string, now = Date.now()): History<T> {
  if (key && h.lastKey === key && h.lastAt !== undefined && now - h.lastAt < MERGE_WINDOW_MS && h.past.length) {
    return { ...h, future: [], lastAt: now };
  }
  const past = [...h.past, before];
  if (past.length > HISTORY_LIMIT) past.splice(0, past.length - HISTORY_LIMIT);
  return { past, future: [], lastKey: key, lastAt: now };
}

/** undo returns the state to go back to and the new history, or null when there is none. */
export function undo<T>(h: History<T>, current: T): { history: History<T>; state: T } | null {
  if (!h.past.length) return null;
  const state = h.past[h.past.length - 1];
  return { state, history: { past: h.past.slice(0, -1), future: [current, ...h.future] } };
}

export function redo<T>(h: History<T>, current: T): { history: History<T>; state: T } | null {
  if (!h.future.length) return null;
  const [state, ...future] = h.future;
  return { state, history: { past: [...h.past, current], future } };
}
