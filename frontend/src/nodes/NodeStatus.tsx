// What a node shows of the focused run: a status badge with duration, a progress bar and the
// error of a failed node. (Its output preview is the node's current generation: NodeMarks.)
import { formatDuration } from "../lib/format";
import { reasonText } from "../plan/reasons";
import type { NodeRun } from "../stores/runs";

const LABELS: Record<string, string> = {
  pending: "waiting",
  running: "running",
  executed: "done",
  reused: "reused",
  skipped: "skipped",
  failed: "failed",
  cancelled: "cancelled",
  paused: "paused",
};

export function statusLabel(status: string): string {
  return LABELS[status] ?? status;
}

export function statusClass(status: string | undefined): string {
  return status && status !== "untouched" ? `st-${status}` : "";
}

export function NodeStatus({ record }: { record: NodeRun | undefined }) {
  if (!record || record.status === "untouched") return <span className="fb-badge fb-badge-empty" aria-hidden="true" />;
  const showTime = (record.status === "executed" || record.status === "failed") && record.durationMs !== undefined;
  return (
    <span className={`fb-badge st-${record.status}`} data-testid="node-status" title={record.reasons?.map(reasonText).join("; ") || undefined}>
      {statusLabel(record.status)}
      {showTime ? ` · ${formatDuration(record.durationMs!)}` : ""}
    </span>
  );
}

/** NodeProgress is a thin bar while the node reports progress in the focused run. */
export function NodeProgress({ record }: { record: NodeRun | undefined }) {
  if (!record || record.status !== "running" || record.progress === undefined) return null;
  const p = Math.min(1, Math.max(0, record.progress));
  return (
    <div className="fb-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(p * 100)}>
      <span style={{ width: `${(p * 100).toFixed(1)}%` }} />
    </div>
  );
}

/** NodeError is the error of the node in the focused run. */
export function NodeError({ error }: { error: string }) {
  return (
    <div className="fb-error" role="alert" title={error}>
      {error}
    </div>
  );
}
