// What the queue overlay needs beyond the runs store: the recent runs of every workflow, and
// clearing finished runs from the list (workflow names for the cards: stores/workflowNames.ts).
import { api } from "../api/backend";
import { isFinishedRun } from "../api/types";
import { useRuns } from "../stores/runs";
import { rememberNames } from "../stores/workflowNames";
import { clearedFromList } from "./queueControl";

let allLoaded: Promise<void> | null = null;

/**
 * loadAllRuns fills the store with the recent runs of every workflow (the overlay's list),
 * once per window: events keep it current after that.
 */
export function loadAllRuns(limit = 50): Promise<void> {
  allLoaded ??= Promise.all([api.listRuns("", limit), api.queueControl().catch(() => null)]).then(
    ([list, q]) => {
      rememberNames(list);
      // finished runs cleared from the list (by this window or `flowbench queue clear`) stay out
      const shown = list.filter((r) => !clearedFromList(r, q?.cleared_at ?? ""));
      useRuns.getState().applyRunInfos([...shown].reverse());
    },
    (e: Error) => {
      allLoaded = null; // try again next time
      throw e;
    },
  );
  return allLoaded;
}

/**
 * clearFinished removes finished runs from the list, for every window and after a restart
 * (their results and history stay stored).
 */
export async function clearFinished(): Promise<void> {
  await api.clearFinishedRuns();
  const s = useRuns.getState();
  s.removeRuns(Object.values(s.runs).filter((r) => isFinishedRun(r.status)).map((r) => r.id));
}
