// Adapters between the runs store (part 1's RunState, keyed by run id) and the lens logic,
// plus the overlay's extra state: workflow names and clearing finished runs.
import { create } from "zustand";
import { api } from "../api/backend";
import type { RunInfo } from "../api/types";
import { isFinishedRun } from "../api/types";
import type { RunState } from "../stores/runs";
import { useRuns } from "../stores/runs";
import { resolveFocus, type LensRun } from "./lens";

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
    error: r.error,
  };
}

/** lensRuns maps the whole store (memoised on the runs object). */
const memo = new WeakMap<object, Record<string, LensRun>>();
export function lensRuns(runs: Record<string, RunState>): Record<string, LensRun> {
  let out = memo.get(runs);
  if (!out) {
    out = {};
    for (const [id, r] of Object.entries(runs)) out[id] = toLens(r);
    memo.set(runs, out);
  }
  return out;
}

/** onCanvasRun is the run a workflow's canvas shows: the pick, else the fallback. */
export function onCanvasRun(s: { runs: Record<string, RunState>; focused: Record<string, string> }, workflowId: string | null): string | null {
  if (!workflowId) return null;
  return resolveFocus(lensRuns(s.runs), workflowId, s.focused[workflowId]);
}

interface NamesState {
  names: Record<string, string>;
}
/** Workflow names for run cards of workflows other than the open one. */
export const useWorkflowNames = create<NamesState>(() => ({ names: {} }));

export function rememberNames(runs: readonly Pick<RunInfo, "workflow_id" | "workflow_name">[]): void {
  const add: Record<string, string> = {};
  const cur = useWorkflowNames.getState().names;
  for (const r of runs) if (r.workflow_name && cur[r.workflow_id] !== r.workflow_name) add[r.workflow_id] = r.workflow_name;
  if (Object.keys(add).length) useWorkflowNames.setState({ names: { ...cur, ...add } });
}

let namesLoading: Promise<void> | null = null;
/** loadNames fetches the names of every workflow (once at a time). */
export function loadNames(): Promise<void> {
  namesLoading ??= api
    .listWorkflows()
    .then((cards) => rememberNames(cards.map((c) => ({ workflow_id: c.id, workflow_name: c.name }))))
    .catch(() => {})
    .finally(() => {
      namesLoading = null;
    });
  return namesLoading;
}

/** loadAllRuns fills the store with recent runs of every workflow (the overlay's source). */
export async function loadAllRuns(limit = 100): Promise<void> {
  const list = await api.listRuns("", limit);
  rememberNames(list);
  const st = useRuns.getState();
  for (const r of [...list].reverse()) st.applyRunInfo(r);
}

/** clearFinished removes finished runs from the overlay (their results stay stored). */
export function clearFinished(): void {
  useRuns.setState((s) => {
    const runs: Record<string, RunState> = {};
    for (const [id, r] of Object.entries(s.runs)) if (!isFinishedRun(r.status)) runs[id] = r;
    return { runs };
  });
}
