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
const asked = new Set<string>();

/**
 * loadNames fetches workflow names when a run names a workflow not asked about yet (one
 * request at a time; a workflow deleted since is not asked about again).
 */
export function loadNames(ids: readonly string[]): Promise<void> {
  const fresh = ids.filter((id) => !asked.has(id));
  if (fresh.length === 0 || namesLoading) return namesLoading ?? Promise.resolve();
  for (const id of fresh) asked.add(id);
  namesLoading = api
    .listWorkflows()
    .then((cards) => rememberNames(cards.map((c) => ({ workflow_id: c.id, workflow_name: c.name }))))
    .catch(() => {
      for (const id of fresh) asked.delete(id);
    })
    .finally(() => {
      namesLoading = null;
    });
  return namesLoading;
}

let allLoaded: Promise<void> | null = null;

/**
 * loadAllRuns fills the store with the recent runs of every workflow (the overlay's list),
 * once per window: events keep it current after that.
 */
export function loadAllRuns(limit = 50): Promise<void> {
  allLoaded ??= api.listRuns("", limit).then(
    (list) => {
      rememberNames(list);
      useRuns.getState().applyRunInfos([...list].reverse());
    },
    (e: Error) => {
      allLoaded = null; // try again next time
      throw e;
    },
  );
  return allLoaded;
}

/** clearFinished removes finished runs from the list (their results stay stored). */
export function clearFinished(): void {
  const s = useRuns.getState();
  s.removeRuns(Object.values(s.runs).filter((r) => isFinishedRun(r.status)).map((r) => r.id));
}
