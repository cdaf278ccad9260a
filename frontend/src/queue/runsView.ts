// What the queue overlay needs beyond the runs store: workflow names for cards of other
// workflows, the recent runs of every workflow, and clearing finished runs from the list.
import { create } from "zustand";
import { api } from "../api/backend";
import type { RunInfo } from "../api/types";
import { isFinishedRun } from "../api/types";
import { useRuns } from "../stores/runs";

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
let namesLoadedAt = 0;
/** loadNames fetches the names of every workflow (once at a time, at most every 5 s). */
export function loadNames(): Promise<void> {
  if (Date.now() - namesLoadedAt < 5000) return Promise.resolve();
  namesLoading ??= api
    .listWorkflows()
    .then((cards) => rememberNames(cards.map((c) => ({ workflow_id: c.id, workflow_name: c.name }))))
    .catch(() => {})
    .finally(() => {
      namesLoading = null;
      namesLoadedAt = Date.now();
    });
  return namesLoading;
}

/** loadAllRuns fills the store with the recent runs of every workflow (the overlay's list). */
export async function loadAllRuns(limit = 50): Promise<void> {
  const list = await api.listRuns("", limit);
  rememberNames(list);
  const st = useRuns.getState();
  for (const r of [...list].reverse()) st.applyRunInfo(r);
}

/** clearFinished removes finished runs from the list (their results stay stored). */
export function clearFinished(): void {
  const s = useRuns.getState();
  s.removeRuns(Object.values(s.runs).filter((r) => isFinishedRun(r.status)).map((r) => r.id));
}
