// Live and finished runs, keyed by run id (never by workflow alone: runs of one workflow run
// side by side). Each workflow has a run its canvas shows — the lens: the run the user put
// there (starting a run, or a click on its card in the queue overlay), else the latest active
// run of the workflow, else its latest finished one. Engine events arrive as lists, in the order
// the engine emitted them (api/events.ts says the contract); each list is applied in one update.
import { create } from "zustand";
import { api } from "../api/backend";
import { onEvents } from "../api/events";
import type { RunEvent, RunInfo } from "../api/types";
import { isFinishedRun } from "../api/types";
import { resolveFocus, type LensRun } from "../lib/lens";

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
  /** a run event of this run has been applied: events, which come in order, set its stage
   * from then on (a record read earlier must not undo it), until the final record */
  heard: boolean;
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
    heard: false,
  };
}

const LOG_LINES = 200;

function newRun(ev: RunEvent): RunState {
  return {
    ...blank(ev.run_id, ev.workflow_id),
    // known from this event only: a run the window did not see start
    status: ev.type === "run" ? "queued" : "running",
    createdAt: new Date(ev.time || Date.now()).toISOString(),
  };
}

/** applies reports whether an event changes a run (final runs take only run events). */
function applies(prev: RunState | undefined, ev: RunEvent): boolean {
  if (!ev.run_id) return false;
  if (ev.type !== "run" && ev.type !== "node" && ev.type !== "progress" && ev.type !== "stream" && ev.type !== "log") return false;
  if ((ev.type === "node" || ev.type === "stream" || ev.type === "log") && !ev.node_id) return false;
  if (!prev) return true;
  if (ev.type === "run") return !(prev.final && isFinishedRun(prev.status));
  return !prev.final; // the stored record is the truth now
}

/**
 * applyTo writes one event into a run the caller owns (a copy made for this update, whose
 * nodes map is a copy too). Node records are replaced, never mutated, so a component holding
 * one node's record sees a new object exactly when that node changed.
 */
function applyTo(run: RunState, ev: RunEvent): void {
  const nodes = run.nodes;
  switch (ev.type) {
    case "run": {
      // run events come in the order the engine emitted them: the newest one says the stage
      const status = ev.status || run.status;
      run.heard = true;
      const at = new Date(ev.time || Date.now()).toISOString();
      run.status = status;
      run.label = ev.label || run.label;
      run.versionLabel = ev.version_label || run.versionLabel;
      // a queued run's event may leave its place out (it is sent again when the queue moves)
      run.queuePosition = status === "queued" ? (ev.status === "queued" && ev.queue_position) || run.queuePosition : 0;
      run.error = ev.error ?? run.error;
      run.createdAt = run.createdAt || at;
      run.startedAt = run.startedAt || (status === "running" ? at : "");
      run.finishedAt = isFinishedRun(status) ? run.finishedAt || at : "";
      return;
    }
    case "node": {
      const id = ev.node_id!;
      const old = nodes[id] ?? { status: "pending" };
      // a node starting (again, in a loop or a resumed run) begins with a clean record
      const rec: NodeRun = ev.status === "running" ? { status: "running" } : { ...old, status: ev.status ?? old.status };
      if (rec.status !== "running") rec.progress = undefined;
      if (ev.duration_ms !== undefined) rec.durationMs = ev.duration_ms;
      if (ev.error !== undefined) rec.error = ev.error;
      if (ev.reasons !== undefined) rec.reasons = ev.reasons;
      if (ev.generation_id) rec.generationId = ev.generation_id;
      if (ev.preview) rec.preview = ev.preview;
      nodes[id] = rec;
      return;
    }
    case "progress":
      if (ev.node_id) nodes[ev.node_id] = { ...(nodes[ev.node_id] ?? { status: "running" }), progress: ev.progress ?? 0 };
      else run.progress = { done: ev.done ?? 0, total: ev.total ?? 0 };
      return;
    case "stream": {
      const old = nodes[ev.node_id!] ?? { status: "running" };
      nodes[ev.node_id!] = { ...old, stream: (old.stream ?? "") + (ev.text ?? "") };
      return;
    }
    case "log": {
      const old = nodes[ev.node_id!] ?? { status: "running" };
      nodes[ev.node_id!] = { ...old, logs: [...(old.logs ?? []), ev.text ?? ""].slice(-LOG_LINES) };
      return;
    }
  }
}

/** reduceEvent applies one window event to the runs it names. Pure. */
export function reduceEvent(runs: RunsMap, ev: RunEvent): RunsMap {
  const prev = runs[ev.run_id];
  if (!applies(prev, ev)) return runs;
  const run = { ...(prev ?? newRun(ev)) };
  run.nodes = { ...run.nodes };
  applyTo(run, ev);
  return { ...runs, [ev.run_id]: run };
}

/**
 * reduceEvents applies a list of events in order (the backend coalesced progress and stream).
 * Pure: the runs map, and each run an event touches with its nodes map, are copied once per
 * list.
 */
export function reduceEvents(runs: RunsMap, events: readonly RunEvent[]): RunsMap {
  let out: RunsMap | null = null;
  const owned = new Set<string>();
  for (const ev of events) {
    const cur: RunsMap = out ?? runs;
    const prev = cur[ev.run_id];
    if (!applies(prev, ev)) continue;
    out ??= { ...runs };
    let run = prev;
    if (!run || !owned.has(ev.run_id)) {
      run = { ...(prev ?? newRun(ev)) };
      run.nodes = { ...run.nodes };
      out[ev.run_id] = run;
      owned.add(ev.run_id);
    }
    applyTo(run, ev);
  }
  return out ?? runs;
}

function sameRecord(a: NodeRun, b: NodeRun): boolean {
  return (
    a.status === b.status &&
    a.durationMs === b.durationMs &&
    (a.error || undefined) === b.error &&
    (a.generationId || undefined) === b.generationId &&
    (a.reasons ?? []).join() === (b.reasons ?? []).join()
  );
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
    const next: NodeRun = {
      ...live,
      status: rec.status,
      durationMs: rec.duration_ms,
      error: rec.error || undefined,
      reasons: rec.reasons ?? [],
      generationId: rec.generation_id || undefined,
    };
    // a record the events already told keeps its object: its node need not render again
    nodes[id] = live && sameRecord(live, next) ? live : next;
  }
  // A record is read at a moment the window cannot place among the events (StartRun's reply
  // may come after the run's "running" event): once the run's events are heard they set its
  // stage; a record sets it for a run heard of only through records (another process's run,
  // a list), and a finished record always does (a run never leaves a finished stage).
  const status = finished || (!prev.heard && !isFinishedRun(prev.status)) ? info.status : prev.status;
  const next: RunState = {
    ...prev,
    workflowId: info.workflow_id,
    status,
    label: info.label || prev.label,
    number: info.number || prev.number,
    versionId: info.version_id || prev.versionId,
    versionLabel: info.version_label || prev.versionLabel,
    queuePosition: status === "queued" ? info.queue_position || prev.queuePosition : 0,
    error: info.error ?? "",
    nodes,
    outputs: info.outputs ?? prev.outputs,
    inputs: info.inputs ?? prev.inputs,
    createdAt: info.created_at || prev.createdAt,
    startedAt: info.started_at || prev.startedAt,
    finishedAt: info.finished_at || prev.finishedAt,
    // A listed run (ListRuns) comes without node records: only a full record is final.
    final: prev.final || (finished && info.nodes != null),
  };
  return { ...runs, [info.id]: next };
}

/** toLens is the lens's view of a run. */
export function toLens(r: RunState): LensRun {
  return {
    id: r.id,
    workflow_id: r.workflowId,
    label: r.label,
    version_label: r.versionLabel,
    status: r.status,
    queue_position: r.queuePosition,
    created_at: r.createdAt,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    number: r.number,
    error: r.error,
  };
}

/** shownRuns resolves the lens of every workflow that has runs or a pick. Pure. */
export function shownRuns(runs: RunsMap, focused: Record<string, string>): Record<string, string> {
  const lens: Record<string, LensRun> = {};
  const wfs = new Set(Object.keys(focused));
  for (const [id, r] of Object.entries(runs)) {
    lens[id] = toLens(r);
    wfs.add(r.workflowId);
  }
  const shown: Record<string, string> = {};
  for (const wf of wfs) {
    const id = resolveFocus(lens, wf, focused[wf]);
    if (id) shown[wf] = id;
  }
  return shown;
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

interface RunsStore {
  runs: RunsMap;
  /** workflow id → the run the user put on its canvas (may be gone: see shown) */
  focused: Record<string, string>;
  /** workflow id → the run its canvas shows (the pick, else the fallback) */
  shown: Record<string, string>;
  applyEvent: (ev: RunEvent) => void;
  applyEvents: (evs: readonly RunEvent[]) => void;
  applyRunInfo: (info: RunInfo) => void;
  /** applyRunInfos merges many records in one update (a history list). */
  applyRunInfos: (infos: readonly RunInfo[]) => void;
  focus: (workflowId: string, runId: string | null) => void;
  /** removeRuns drops runs from the window's list (their results stay stored). */
  removeRuns: (ids: readonly string[]) => void;
}

export const useRuns = create<RunsStore>((set) => {
  /** withShown recomputes the lens after runs or picks changed, keeping its identity when equal. */
  const withShown = (s: RunsStore, runs: RunsMap, focused: Record<string, string>) => {
    const shown = shownRuns(runs, focused);
    return { runs, focused, shown: sameMap(shown, s.shown) ? s.shown : shown };
  };
  return {
    runs: {},
    focused: {},
    shown: {},
    applyEvent: (ev) => set((s) => withShown(s, reduceEvent(s.runs, ev), s.focused)),
    applyEvents: (evs) =>
      set((s) => {
        const runs = reduceEvents(s.runs, evs);
        return runs === s.runs ? s : withShown(s, runs, s.focused);
      }),
    applyRunInfo: (info) => set((s) => withShown(s, reduceRunInfo(s.runs, info), s.focused)),
    applyRunInfos: (infos) =>
      set((s) => {
        if (infos.length === 0) return s;
        return withShown(s, infos.reduce(reduceRunInfo, s.runs), s.focused);
      }),
    focus: (workflowId, runId) =>
      set((s) => {
        const focused = { ...s.focused };
        if (runId) focused[workflowId] = runId;
        else delete focused[workflowId];
        return withShown(s, s.runs, focused);
      }),
    removeRuns: (ids) =>
      set((s) => {
        const runs = { ...s.runs };
        for (const id of ids) delete runs[id];
        return withShown(s, runs, s.focused);
      }),
  };
});

/** shownRunId is the id of the run a workflow's canvas shows, if any. */
export function shownRunId(s: Pick<RunsStore, "runs" | "focused"> & { shown?: Record<string, string> }, workflowId: string | null): string | null {
  if (!workflowId) return null;
  if (s.shown) return s.shown[workflowId] ?? null;
  return shownRuns(s.runs, s.focused)[workflowId] ?? null;
}

/** focusedRun is the run a workflow's canvas shows, if any. */
export function focusedRun(s: Pick<RunsStore, "runs" | "focused"> & { shown?: Record<string, string> }, workflowId: string | null): RunState | null {
  const id = shownRunId(s, workflowId);
  return id ? (s.runs[id] ?? null) : null;
}

/** focusedNodeRun is one node's record in the focused run (the node component's slice). */
export function focusedNodeRun(
  s: Pick<RunsStore, "runs" | "focused"> & { shown?: Record<string, string> },
  workflowId: string | null,
  nodeId: string,
): NodeRun | undefined {
  return focusedRun(s, workflowId)?.nodes[nodeId];
}

type BatchListener = (evs: readonly RunEvent[]) => void;
const batchListeners = new Set<BatchListener>();

/** onRunEvents hears every list of engine events after the store took it (generations, stale). */
export function onRunEvents(fn: BatchListener): () => void {
  batchListeners.add(fn);
  return () => {
    batchListeners.delete(fn);
  };
}

let connected = false;

const fetching = new Set<string>();

/**
 * fetchShown loads the stored record (outputs, final node records) of finished runs that a
 * canvas shows. Other runs are fetched when they are put on a canvas: ten runs finishing
 * together cost ten small events, not ten full records.
 */
function fetchShown(): void {
  const s = useRuns.getState();
  for (const id of Object.values(s.shown)) {
    const r = s.runs[id];
    if (!r || r.final || !isFinishedRun(r.status) || fetching.has(id)) continue;
    fetching.add(id);
    void fetchRun(id).finally(() => fetching.delete(id));
  }
}

/** connectRunEvents feeds the window's engine events into the store, once, a list at a time
 * (api/events.ts). A paused run, or a finished run on a canvas, has its stored record fetched. */
export function connectRunEvents(): void {
  if (connected) return;
  connected = true;
  useRuns.subscribe((s, prev) => {
    if (s.shown !== prev.shown) fetchShown();
  });
  onEvents((evs) => {
    useRuns.getState().applyEvents(evs);
    for (const ev of evs) {
      if (ev.type === "run" && ev.status === "paused") void fetchRun(ev.run_id);
    }
    fetchShown();
    for (const fn of batchListeners) {
      try {
        fn(evs);
      } catch (e) {
        console.error("handling run events", e);
      }
    }
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
