// Queue control for the overlay (SPEC §14): the data home's pause (any process may change it,
// so the overlay follows it), moving a queued run by drag, retrying a finished run.
import { useCallback, useEffect, useState } from "react";
import { api } from "../api/backend";
import { onEvent } from "../api/events";
import type { QueueControl } from "../api/types";

/** retryable: a failed, cancelled or interrupted run can be retried. */
export function retryable(status: string): boolean {
  return status === "failed" || status === "cancelled" || status === "interrupted";
}

/** clearedFromList: a finished run that finished before the list was last cleared. */
export function clearedFromList(run: { status: string; finished_at: string; created_at: string }, clearedAt: string): boolean {
  if (!clearedAt || !retryableOrDone(run.status)) return false;
  const end = Date.parse(run.finished_at || run.created_at);
  return Number.isFinite(end) && end <= Date.parse(clearedAt);
}

function retryableOrDone(status: string): boolean {
  return status === "completed" || retryable(status);
}

/** moveTarget: where a dragged queued run goes when dropped on another (null: nowhere). */
export function moveTarget(dragged: string | null, target: string): { runId: string; toRunId: string } | null {
  if (!dragged || dragged === target) return null;
  return { runId: dragged, toRunId: target };
}

/**
 * pollEvery is how often the overlay reads the queue's state (the cap, the list's clearing).
 * A pause or resume, by this window or any other process, comes at once as a "queue" event
 * (the backend follows the data home's queue every 250 ms).
 */
const pollEvery = 2000;

/** withQueueEvent is the queue state after a "queue" event (paused or resumed). */
export function withQueueEvent(state: QueueControl | null, ev: { status?: string }): QueueControl | null {
  if (!state || (ev.status !== "paused" && ev.status !== "resumed")) return state;
  const paused = ev.status === "paused";
  return state.paused === paused ? state : { ...state, paused };
}

/**
 * useQueueControl follows the data home's queue state while the overlay is mounted and
 * returns it with a setter for the pause (null until first read).
 */
export function useQueueControl(): [QueueControl | null, (paused: boolean) => Promise<void>] {
  const [state, setState] = useState<QueueControl | null>(null);
  useEffect(() => {
    let live = true;
    const read = () =>
      api.queueControl().then(
        (q) => live && setState(q),
        () => {},
      );
    void read();
    const t = setInterval(read, pollEvery);
    const off = onEvent("queue", (ev) => setState((s) => withQueueEvent(s, ev)));
    return () => {
      live = false;
      clearInterval(t);
      off();
    };
  }, []);
  const setPaused = useCallback(async (paused: boolean) => {
    setState(await api.setQueuePaused(paused));
  }, []);
  return [state, setPaused];
}
