// The lens: which run of a workflow the canvas shows, and how the queue overlay groups runs.
// Pure functions over run summaries, so the rules are testable without a window.

/** LensRun is what the overlay and the lens need to know about a run (a slice of RunInfo). */
export interface LensRun {
  id: string;
  workflow_id: string;
  workflow_name?: string;
  label: string;
  version_label: string;
  status: string;
  queue_position: number;
  created_at: string;
  started_at: string;
  finished_at: string;
  number?: number;
  mode?: string;
  from_node?: string;
  error?: string;
}

export type Section = "running" | "queued" | "done";

/** isActiveRun: the run has not finished (queued, running or paused for an approval). */
export function isActiveRun(status: string): boolean {
  return status === "queued" || status === "running" || status === "paused";
}

/** sectionOf places a run status in the overlay: a paused run still holds its slot. */
export function sectionOf(status: string): Section {
  if (status === "queued") return "queued";
  if (status === "running" || status === "paused") return "running";
  return "done";
}

function time(s: string | undefined): number {
  if (!s) return 0;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : 0;
}

/** newerFirst orders runs by creation, newest first; the run number breaks ties. */
function newerFirst(a: LensRun, b: LensRun): number {
  return time(b.created_at) - time(a.created_at) || (b.number ?? 0) - (a.number ?? 0) || (a.id < b.id ? 1 : -1);
}

function finishedFirst(a: LensRun, b: LensRun): number {
  return time(b.finished_at || b.created_at) - time(a.finished_at || a.created_at) || newerFirst(a, b);
}

export interface GroupedRuns {
  running: LensRun[];
  queued: LensRun[];
  done: LensRun[];
}

/**
 * groupRuns sorts runs of every workflow into the overlay's sections: running (newest
 * first), queued (by queue position, the next to start first) and done (latest finished
 * first, at most doneLimit).
 */
export function groupRuns(runs: Iterable<LensRun>, doneLimit = 20): GroupedRuns {
  const out: GroupedRuns = { running: [], queued: [], done: [] };
  for (const r of runs) out[sectionOf(r.status)].push(r);
  out.running.sort(newerFirst);
  out.queued.sort(
    (a, b) => (a.queue_position || Number.MAX_SAFE_INTEGER) - (b.queue_position || Number.MAX_SAFE_INTEGER) || -newerFirst(a, b),
  );
  out.done.sort(finishedFirst);
  if (out.done.length > doneLimit) out.done.length = doneLimit;
  return out;
}

/**
 * fallbackFocus is the run the canvas shows when the user has not picked one (or the picked
 * one is gone): the latest active run of the workflow, else its latest finished one.
 */
export function fallbackFocus(runs: Iterable<LensRun>, workflowId: string): string | null {
  let active: LensRun | null = null;
  let finished: LensRun | null = null;
  for (const r of runs) {
    if (r.workflow_id !== workflowId) continue;
    if (isActiveRun(r.status)) {
      if (!active || newerFirst(r, active) < 0) active = r;
    } else if (!finished || finishedFirst(r, finished) < 0) {
      finished = r;
    }
  }
  return (active ?? finished)?.id ?? null;
}

/**
 * resolveFocus keeps the picked run while it exists and belongs to the workflow; otherwise
 * it falls back (fallbackFocus). Two runs of one workflow are never mixed: the answer is
 * one run id or null.
 */
export function resolveFocus(
  runsById: Readonly<Record<string, LensRun | undefined>>,
  workflowId: string,
  picked: string | null | undefined,
): string | null {
  if (picked) {
    const r = runsById[picked];
    if (r && r.workflow_id === workflowId) return picked;
  }
  return fallbackFocus(Object.values(runsById).filter((r): r is LensRun => !!r), workflowId);
}

/** runDuration is how long a run has been going (or went): null before it started. */
export function runDuration(run: Pick<LensRun, "started_at" | "finished_at" | "status">, now: number): number | null {
  const start = time(run.started_at);
  if (!start) return null;
  const end = run.finished_at ? time(run.finished_at) : isActiveRun(run.status) ? now : start;
  return Math.max(0, end - start);
}

/** statusWord is a run status as the overlay says it. */
export function statusWord(status: string): string {
  switch (status) {
    case "queued":
      return "Queued";
    case "running":
      return "Running";
    case "paused":
      return "Waiting for approval";
    case "completed":
      return "Completed";
    case "failed":
      return "Failed";
    case "cancelled":
      return "Cancelled";
    case "interrupted":
      return "Interrupted";
    default:
      return status || "Unknown";
  }
}
