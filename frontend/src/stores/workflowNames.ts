// Workflow names for run cards of workflows other than the open one (the queue overlay lists
// every workflow's runs).
import { create } from "zustand";
import { api } from "../api/backend";
import type { RunInfo } from "../api/types";

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
