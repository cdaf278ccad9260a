// A node's timeline for the viewer: fetched when the node is shown and refetched (throttled)
// whenever a node event of that workflow names the node, so generations of a running run
// appear live and stay after it ends.
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api/backend";
import { useCurrentGens } from "../stores/currentGens";
import type { Timeline } from "./timeline";

const THROTTLE_MS = 250;

export interface TimelineState {
  timeline: Timeline | null;
  error: string | null;
  loading: boolean;
  refresh: () => Promise<Timeline | null>;
}

export function useTimeline(workflowId: string | null, nodeId: string | null): TimelineState {
  const [timeline, setTimeline] = useState<Timeline | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const rev = useCurrentGens((s) => (nodeId ? (s.rev[nodeId] ?? 0) : 0));
  const key = `${workflowId}\u0000${nodeId}`;
  const keyRef = useRef(key);
  keyRef.current = key;
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const refresh = useCallback(async () => {
    if (!workflowId || !nodeId) return null;
    const asked = `${workflowId}\u0000${nodeId}`;
    last.current = Date.now();
    setLoading(true);
    try {
      const tl = await api.nodeTimeline(workflowId, nodeId);
      if (keyRef.current === asked) {
        setTimeline(tl);
        setError(null);
      }
      return tl;
    } catch (e) {
      if (keyRef.current === asked) setError((e as Error).message);
      return null;
    } finally {
      if (keyRef.current === asked) setLoading(false);
    }
  }, [workflowId, nodeId]);

  // a different node: start over
  useEffect(() => {
    setTimeline(null);
    setError(null);
    void refresh();
  }, [refresh]);

  // node events: refetch at most every THROTTLE_MS, and once more after the last one
  useEffect(() => {
    if (rev === 0) return;
    const wait = Math.max(0, last.current + THROTTLE_MS - Date.now());
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void refresh();
    }, wait);
  }, [rev, refresh]);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  return { timeline, error, loading, refresh };
}
