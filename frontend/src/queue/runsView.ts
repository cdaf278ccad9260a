// What the queue overlay needs beyond the runs store: the recent runs of every workflow, and
// clearing finished runs from the list (workflow names for the cards: stores/workflowNames.ts).
import { api } from "../api/backend";
import { isFinishedRun } from "../api/types";
import { useRuns } from "../stores/runs";
import { rememberNames } from "../stores/workflowNames";

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
