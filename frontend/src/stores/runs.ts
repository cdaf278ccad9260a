// Live and finished runs, keyed by run id (never by workflow alone: runs of one workflow run
// side by side). Each workflow has a focused run — the one its canvas shows; the editor sets
// it to the run the user started last, and a later lens can set it to any run.
import { create } from "zustand";
import { api } from "../api/backend";
import { onEvent } from "../api/events";
import type { RunEvent, RunInfo } from "../api/types";
import { isFinishedRun } from "../api/types";

export interface NodeRun {
  status: string;
  durationMs?: number;
  error?: string;
  reasons?: string[];
  generationId?: string;
  preview?: string;
  progress?: number;
  /** streamed text so far (llm.chat tokens) */
  stream?: string;
  logs?: string[];
}

export interface RunState {
  id: string;
  workflowId: string;
  status: string;
  label: string;
  /** the run's number in its workflow (Run #n); 0 until the stored record is known */
  number: number;
  versionId: string;
  versionLabel: string;
  queuePosition: number;
  error: string;
  nodes: Record<string, NodeRun>;
  outputs: Record<string, unknown> | null;
  inputs: Record<string, unknown> | null;
  progress: { done: number; total: number } | null;
  createdAt: string;
  startedAt: string;
  finishedAt: string;
  /** the stored record (GetRun) has been merged after the run finished */
  final: boolean;
}

export type RunsMap = Record<string, RunState>;

function blank(id: string, workflowId: string): RunState {
  return {
    id,
    workflowId,
    status: "queued",
    label: "",
    number: 0,
    versionId: "",
    versionLabel: "",
    queuePosition: 0,
    error: "",
    nodes: {},
    outputs: null,
    inputs: null,
    progress: null,
    createdAt: "",
    startedAt: "",
    finishedAt: "",
    final: false,
  };
}

const LOG_LINES = 200;

/** reduceEvent applies one window event to the runs it names. Pure. */
export function reduceEvent(runs: RunsMap, ev: RunEvent): RunsMap {
  if (!ev.run_id) return runs;
  const prev = runs[ev.run_id] ?? blank(ev.run_id, ev.workflow_id);
  if (prev.final && ev.type !== "run") return runs; // the stored record is the truth now
  let next: RunState = prev;
  switch (ev.type) {
    case "run":
      if (prev.final && isFinishedRun(prev.status)) return runs;
      next = {
        ...prev,
        status: ev.status ?? prev.status,
        label: ev.label || prev.label,
        versionLabel: ev.version_label || prev.versionLabel,
        queuePosition: ev.queue_position ?? 0,
        error: ev.error ?? prev.error,
      };
      break;
    case "node": {
      if (!ev.node_id) return runs;
      const old = prev.nodes[ev.node_id] ?? { status: "pending" };
      const rec: NodeRun = { ...old, status: ev.status ?? old.status };
      if (ev.duration_ms !== undefined) rec.durationMs = ev.duration_ms;
      if (ev.error !== undefined) rec.error = ev.error;
      if (ev.reasons !== undefined) rec.reasons = ev.reasons;
      if (ev.generation_id) rec.generationId = ev.generation_id;
      if (ev.preview) rec.preview = ev.preview;
      next = { ...prev, nodes: { ...prev.nodes, [ev.node_id]: rec } };
      break;
    }
    case "progress":
      if (ev.node_id) {
        const old = prev.nodes[ev.node_id] ?? { status: "running" };
        next = { ...prev, nodes: { ...prev.nodes, [ev.node_id]: { ...old, progress: ev.progress ?? 0 } } };
      } else {
        next = { ...prev, progress: { done: ev.done ?? 0, total: ev.total ?? 0 } };
      }
      break;
    case "stream": {
      if (!ev.node_id) return runs;
      const old = prev.nodes[ev.node_id] ?? { status: "running" };
      next = { ...prev, nodes: { ...prev.nodes, [ev.node_id]: { ...old, stream: (old.stream ?? "") + (ev.text ?? "") } } };
      break;
    }
    case "log": {
      if (!ev.node_id) return runs;
      const old = prev.nodes[ev.node_id] ?? { status: "running" };
      const logs = [...(old.logs ?? []), ev.text ?? ""].slice(-LOG_LINES);
      next = { ...prev, nodes: { ...prev.nodes, [ev.node_id]: { ...old, logs } } };
      break;
    }
    default:
      return runs;
  }
  return { ...runs, [ev.run_id]: next };
}

/** reduceRunInfo merges a run record from the backend (StartRun, GetRun, ListRuns). Pure. */
export function reduceRunInfo(runs: RunsMap, info: RunInfo): RunsMap {
  const prev = runs[info.id] ?? blank(info.id, info.workflow_id);
  const finished = isFinishedRun(info.status);
  // A record from before the end (StartRun's reply) arriving after the final one adds nothing.
  if (prev.final && !finished) return prev.number || !info.number ? runs : { ...runs, [info.id]: { ...prev, number: info.number } };
  const nodes: Record<string, NodeRun> = { ...prev.nodes };
  for (const [id, rec] of Object.entries(info.nodes ?? {})) {
    const live = prev.nodes[id];
    nodes[id] = {
      ...live,
      status: rec.status,
      durationMs: rec.duration_ms,
      error: rec.error || undefined,
      reasons: rec.reasons ?? [],
      generationId: rec.generation_id || undefined,
    };
  }
  const next: RunState = {
    ...prev,
    workflowId: info.workflow_id,
    // A queued/running record fetched late must not undo a status events already moved on.
    status: finished || !isFinishedRun(prev.status) ? info.status : prev.status,
    label: info.label || prev.label,
    number: info.number || prev.number,
    versionId: info.version_id || prev.versionId,
    versionLabel: info.version_label || prev.versionLabel,
    queuePosition: info.queue_position ?? 0,
    error: info.error ?? "",
    nodes,
    outputs: info.outputs ?? prev.outputs,
    inputs: info.inputs ?? prev.inputs,
    createdAt: info.created_at || prev.createdAt,
    startedAt: info.started_at || prev.startedAt,
    finishedAt: info.finished_at || prev.finishedAt,
    final: prev.final || finished,
  };
  return { ...runs, [info.id]: next };
}

interface RunsStore {
  runs: RunsMap;
  /** workflow id → the run its canvas shows */
  focused: Record<string, string>;
  applyEvent: (ev: RunEvent) => void;
  applyRunInfo: (info: RunInfo) => void;
  focus: (workflowId: string, runId: string | null) => void;
}

export const useRuns = create<RunsStore>((set) => ({
  runs: {},
  focused: {},
  applyEvent: (ev) => set((s) => ({ runs: reduceEvent(s.runs, ev) })),
  applyRunInfo: (info) => set((s) => ({ runs: reduceRunInfo(s.runs, info) })),
  focus: (workflowId, runId) =>
    set((s) => {
      const focused = { ...s.focused };
      if (runId) focused[workflowId] = runId;
      else delete focused[workflowId];
      return { focused };
    }),
}));

/** focusedRun is the run a workflow's canvas shows, if any. */
export function focusedRun(s: Pick<RunsStore, "runs" | "focused">, workflowId: string | null): RunState | null {
  if (!workflowId) return null;
  const id = s.focused[workflowId];
  return id ? (s.runs[id] ?? null) : null;
}

/** focusedNodeRun is one node's record in the focused run (the node component's slice). */
export function focusedNodeRun(s: Pick<RunsStore, "runs" | "focused">, workflowId: string | null, nodeId: string): NodeRun | undefined {
  return focusedRun(s, workflowId)?.nodes[nodeId];
}

let connected = false;

/** connectRunEvents feeds the window's run events into the store, once. A run event saying a
 * run finished fetches the stored run (outputs, final node records). */
export function connectRunEvents(): void {
  if (connected) return;
  connected = true;
  const apply = (ev: RunEvent) => useRuns.getState().applyEvent(ev);
  onEvent("node", apply);
  onEvent("progress", apply);
  onEvent("stream", apply);
  onEvent("log", apply);
  onEvent("run", (ev) => {
    apply(ev);
    if (ev.status && (isFinishedRun(ev.status) || ev.status === "paused")) void fetchRun(ev.run_id);
  });
}

/** fetchRun loads a run's stored record into the store. */
export async function fetchRun(runId: string): Promise<void> {
  try {
    useRuns.getState().applyRunInfo(await api.getRun(runId));
  } catch (e) {
    console.error("loading run", runId, e);
  }
}
