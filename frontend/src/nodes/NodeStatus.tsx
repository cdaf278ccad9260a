// What a node shows of the focused run: a status badge with duration, the error of a failed
// node and a short preview of its output. Part 2 extends NodePreview (images, media).
import { formatDuration } from "../lib/format";
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
    <span className={`fb-badge st-${record.status}`} data-testid="node-status" title={record.reasons?.join(", ") || undefined}>
      {statusLabel(record.status)}
      {showTime ? ` · ${formatDuration(record.durationMs!)}` : ""}
    </span>
  );
}

export function NodePreview({ record }: { record: NodeRun | undefined }) {
  if (!record) return null;
  if (record.status === "failed" && record.error) {
    return (
      <div className="fb-error" role="alert" title={record.error}>
        {record.error}
      </div>
    );
  }
  const text = record.stream && record.status === "running" ? record.stream : record.preview;
  if (!text) return null;
  return (
    <div className="fb-preview" title={text}>
      {text}
    </div>
  );
}
