// Words of the "queued runs from a previous session" question (OrphanedRunsDialog), kept apart
// from the component so they are tested on their own.
import type { OrphanedQueue, OrphanedRun } from "../api/types";

/** orphansTitle: "1 queued run from a previous session", "12 queued runs from …". */
export function orphansTitle(count: number): string {
  return `${count} queued ${count === 1 ? "run" : "runs"} from a previous session`;
}

/** orphanLine names one run: its workflow, version and label. */
export function orphanLine(r: OrphanedRun): string {
  const wf = r.workflow_name || "a deleted workflow";
  return `${wf} ${r.version_label} · ${r.label}`.trim();
}

/** moreLine says how many runs the list leaves out ("" when none). */
export function moreLine(q: OrphanedQueue): string {
  const more = q.count - q.runs.length;
  return more > 0 ? `and ${more} more` : "";
}

/** doneMessage is the toast after the answer. */
export function doneMessage(action: "resume" | "cancel", n: number): string {
  const runs = `${n} ${n === 1 ? "run" : "runs"}`;
  return action === "resume" ? `Resumed ${runs}: they start as slots free.` : `Cancelled ${runs}.`;
}
