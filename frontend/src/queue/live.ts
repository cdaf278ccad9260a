// Live state of runs, keyed by run id and then node id: what the canvas shows through the
// lens. applyEvents is a pure reducer over a batch of window events; it copies only the
// runs and nodes an event touches, so a component subscribed to one node of one run
// re-renders only when that node changed.
import type { RunEvent } from "../api/types";
import { isActiveRun, type LensRun } from "./lens";

/** NodeLive is one node's state in one run. */
export interface NodeLive {
  /** running executed reused skipped failed cancelled paused (engine node statuses) */
  status: string;
  /** 0..1 while the node reports progress */
  progress?: number;
  duration_ms?: number;
  error?: string;
  generation_id?: string;
  reasons?: string[];
  /** short text form of the outputs (engine.Preview) */
  preview?: string;
  /** text streamed so far (llm.chat tokens) */
  stream?: string;
}

/** RunLive is one run: its summary, overall progress and its nodes. */
export interface RunLive {
  run: LensRun;
  progress: number;
  done: number;
  total: number;
  nodes: Readonly<Record<string, NodeLive>>;
  /** stub: the run is known from a node event only; its summary should be fetched. */
  stub?: boolean;
}

export type LiveState = Readonly<Record<string, RunLive>>;

/** RunSnapshot is the part of main.RunInfo merged into live state (ListRuns, GetRun). */
export interface RunSnapshot extends LensRun {
  nodes?: Record<string, { status: string; reasons?: string[] | null; generation_id?: string; duration_ms?: number; error?: string }> | null;
}

const finishedNode = new Set(["executed", "reused", "skipped", "failed", "cancelled"]);

function iso(ms: number): string {
  return new Date(ms || Date.now()).toISOString();
}

function stubRun(e: RunEvent): LensRun {
  return {
    id: e.run_id,
    workflow_id: e.workflow_id,
    label: e.label ?? "",
    version_label: e.version_label ?? "",
    status: e.type === "run" ? (e.status ?? "queued") : "running",
    queue_position: 0,
    created_at: iso(e.time),
    started_at: e.type === "run" ? "" : iso(e.time),
    finished_at: "",
  };
}

/**
 * coalesceEvents shrinks a batch before it is applied: progress events of one run and node
 * keep only their latest value, stream chunks of one run and node are joined. Each merged
 * event keeps the place of its first occurrence; lifecycle events keep their order.
 */
export function coalesceEvents(events: readonly RunEvent[]): RunEvent[] {
  const out: RunEvent[] = [];
  const at = new Map<string, number>();
  for (const e of events) {
    if (e.type === "progress" || e.type === "stream") {
      const key = `${e.type}\u0000${e.run_id}\u0000${e.node_id ?? ""}`;
      const i = at.get(key);
      if (i !== undefined) {
        const prev = out[i];
        out[i] =
          e.type === "stream"
            ? { ...prev, text: (prev.text ?? "") + (e.text ?? ""), time: e.time }
            : { ...prev, progress: e.progress, done: e.done, total: e.total, time: e.time };
        continue;
      }
      at.set(key, out.length);
    } else if (e.type === "node" && e.status === "running") {
      // a node starting again (a loop body, a retry) must not merge with earlier chunks
      at.delete(`stream\u0000${e.run_id}\u0000${e.node_id ?? ""}`);
      at.delete(`progress\u0000${e.run_id}\u0000${e.node_id ?? ""}`);
    }
    out.push(e);
  }
  return out;
}

/** applyEvents returns the state after a batch of events (run, node, progress, stream). */
export function applyEvents(state: LiveState, events: readonly RunEvent[]): LiveState {
  if (events.length === 0) return state;
  let next: Record<string, RunLive> | null = null;
  // runs copied in this batch may be mutated in place: nobody has seen them yet
  const fresh = new Set<string>();
  const freshNodes = new Set<string>();
  const writable = (e: RunEvent): RunLive => {
    if (!next) next = { ...state };
    const cur = next[e.run_id];
    if (cur && fresh.has(e.run_id)) return cur;
    const copy: RunLive = cur
      ? { ...cur, run: { ...cur.run }, nodes: cur.nodes }
      : { run: stubRun(e), progress: 0, done: 0, total: 0, nodes: {}, stub: e.type !== "run" };
    next[e.run_id] = copy;
    fresh.add(e.run_id);
    return copy;
  };
  const node = (r: RunLive, runId: string, nodeId: string): NodeLive => {
    const key = runId + "\u0000" + nodeId;
    if (!freshNodes.has(key)) {
      if (!freshNodes.has(runId)) {
        r.nodes = { ...r.nodes };
        freshNodes.add(runId);
      }
      const nodes = r.nodes as Record<string, NodeLive>;
      nodes[nodeId] = { ...(nodes[nodeId] ?? { status: "running" }) };
      freshNodes.add(key);
    }
    return r.nodes[nodeId];
  };

  for (const e of events) {
    if (!e || !e.run_id) continue;
    switch (e.type) {
      case "run": {
        const r = writable(e);
        const status = e.status || r.run.status;
        if (status === "running" && !r.run.started_at) r.run.started_at = iso(e.time);
        if (!isActiveRun(status) && !r.run.finished_at) r.run.finished_at = iso(e.time);
        if (isActiveRun(status)) r.run.finished_at = "";
        r.run.status = status;
        r.run.queue_position = status === "queued" ? (e.queue_position ?? 0) : 0;
        if (e.label) r.run.label = e.label;
        if (e.version_label) r.run.version_label = e.version_label;
        if (e.error !== undefined) r.run.error = e.error;
        if (e.workflow_id) r.run.workflow_id = e.workflow_id;
        if (status === "completed") r.progress = 1;
        break;
      }
      case "node": {
        if (!e.node_id) break;
        const r = writable(e);
        const n = node(r, e.run_id, e.node_id);
        const status = e.status || n.status;
        if (status === "running") {
          // a fresh start: forget what an earlier execution of this node left
          for (const k of Object.keys(n) as (keyof NodeLive)[]) delete n[k];
        }
        n.status = status;
        if (e.generation_id) n.generation_id = e.generation_id;
        if (e.duration_ms !== undefined) n.duration_ms = e.duration_ms;
        if (e.reasons) n.reasons = e.reasons;
        if (e.preview !== undefined) n.preview = e.preview;
        if (e.error) n.error = e.error;
        if (finishedNode.has(status)) n.progress = undefined;
        break;
      }
      case "progress": {
        const r = writable(e);
        if (e.node_id) {
          const n = node(r, e.run_id, e.node_id);
          n.progress = clamp01(e.progress ?? 0);
        } else {
          r.progress = clamp01(e.progress ?? 0);
          if (e.done !== undefined) r.done = e.done;
          if (e.total !== undefined) r.total = e.total;
        }
        break;
      }
      case "stream": {
        if (!e.node_id || !e.text) break;
        const r = writable(e);
        const n = node(r, e.run_id, e.node_id);
        n.stream = (n.stream ?? "") + e.text;
        break;
      }
      default:
        break;
    }
  }
  return next ?? state;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/**
 * mergeSnapshots folds run summaries from the backend (ListRuns, GetRun) into live state. A
 * snapshot never moves a run backwards: live node states of an active run win over its
 * stored records, and a finished run's records fill nodes not seen live.
 */
export function mergeSnapshots(state: LiveState, runs: readonly RunSnapshot[]): LiveState {
  if (runs.length === 0) return state;
  const next: Record<string, RunLive> = { ...state };
  for (const s of runs) {
    const cur = next[s.id];
    const { nodes: records, ...summary } = s;
    const run: LensRun = { ...summary };
    if (cur && !cur.stub && isActiveRun(s.status) && !isActiveRun(cur.run.status)) {
      // a live event said it finished after this snapshot was taken
      continue;
    }
    let nodes: Record<string, NodeLive> = cur ? { ...cur.nodes } : {};
    for (const [id, rec] of Object.entries(records ?? {})) {
      const live = nodes[id];
      if (live && (isActiveRun(s.status) || finishedNode.has(live.status))) continue;
      nodes[id] = {
        ...live,
        status: rec.status,
        reasons: rec.reasons ?? undefined,
        generation_id: rec.generation_id || live?.generation_id,
        duration_ms: rec.duration_ms,
        error: rec.error || undefined,
      };
    }
    if (cur && Object.keys(nodes).length === Object.keys(cur.nodes).length && !records) nodes = cur.nodes as Record<string, NodeLive>;
    next[s.id] = {
      run,
      progress: cur?.progress ?? (s.status === "completed" ? 1 : 0),
      done: cur?.done ?? 0,
      total: cur?.total ?? 0,
      nodes,
    };
  }
  return next;
}

/** removeRuns drops runs from live state (the overlay's "Clear" of finished runs). */
export function removeRuns(state: LiveState, ids: Iterable<string>): LiveState {
  let next: Record<string, RunLive> | null = null;
  for (const id of ids) {
    if (!(next ?? state)[id]) continue;
    if (!next) next = { ...state };
    delete next[id];
  }
  return next ?? state;
}
