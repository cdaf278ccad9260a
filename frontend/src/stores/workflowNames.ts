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
/** how many listings each unnamed workflow was looked for in (a deleted one: at most two) */
const tries = new Map<string, number>();
let waiting = new Set<string>();

/**
 * loadNames fetches workflow names for runs that name a workflow without one yet: one request
 * at a time; ids asked for while a request is out wait for the next one, and a workflow the
 * listing did not have yet (imported a moment after it was taken) is looked for once more.
 */
export function loadNames(ids: readonly string[]): Promise<void> {
  const names = useWorkflowNames.getState().names;
  for (const id of ids) if (!names[id] && (tries.get(id) ?? 0) < 2) waiting.add(id);
  if (namesLoading || waiting.size === 0) return namesLoading ?? Promise.resolve();
  const batch = [...waiting];
  waiting = new Set();
  for (const id of batch) tries.set(id, (tries.get(id) ?? 0) + 1);
  namesLoading = api
    .listWorkflows()
    .then((cards) => rememberNames(cards.map((c) => ({ workflow_id: c.id, workflow_name: c.name }))))
    .catch(() => {
      // counted as a try: a backend that keeps failing is not asked in a loop
    })
    .finally(() => {
      namesLoading = null;
      const now = useWorkflowNames.getState().names;
      const again = batch.filter((id) => !now[id] && (tries.get(id) ?? 0) < 2);
      if (again.length || waiting.size) void loadNames(again);
    });
  return namesLoading;
}
