// The results dock under the canvas: the focused run's status, progress, error and outputs.
import { formatDuration } from "../lib/format";
import { useGraph } from "../stores/graph";
import { useThrottledValue } from "../lib/throttle";
import { runTitle } from "../lib/runlabel";
import { focusedRun, useRuns, type RunState } from "../stores/runs";
import { useUI } from "../stores/ui";
import { ValuePreview } from "../previews/ValuePreview";

function elapsed(r: RunState): string {
  if (!r.startedAt || !r.finishedAt) return "";
  return formatDuration(Date.parse(r.finishedAt) - Date.parse(r.startedAt));
}

function nodeCounts(r: RunState): string {
  const all = Object.values(r.nodes);
  const done = all.filter((n) => n.status === "executed" || n.status === "reused").length;
  const failed = all.filter((n) => n.status === "failed").length;
  const skipped = all.filter((n) => n.status === "skipped").length;
  const parts = [`${done} done`];
  if (skipped) parts.push(`${skipped} skipped`);
  if (failed) parts.push(`${failed} failed`);
  return parts.join(" · ");
}

export function ResultsPanel() {
  const wf = useGraph((s) => s.workflowId);
  // a few updates a second are enough here; the canvas follows every batch
  const run = useThrottledValue(useRuns, (s) => focusedRun(s, wf), 250, wf);
  const open = useUI((s) => s.resultsOpen);
  const setOpen = useUI((s) => s.setResultsOpen);
  // The bar is there before the first run too, so the canvas keeps its size when a run
  // starts (resizing a canvas of hundreds of nodes relays all of them out).
  if (!run) {
    return (
      <section className="results" aria-label="Run results" data-testid="results-panel">
        <div className="results-bar results-empty">
          <span className="muted">No run yet — Run shows each node's status here and on the canvas.</span>
        </div>
      </section>
    );
  }
  const outputs = Object.entries(run.outputs ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section className={`results${open ? " open" : ""}`} aria-label="Run results" data-testid="results-panel">
      <button type="button" className="results-bar" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className="results-title">{runTitle(run.number)}</span>
        <span className={`status-chip st-${run.status}`} data-testid="run-status">
          {run.status}
        </span>
        {run.versionLabel && <span className="muted">{run.versionLabel}</span>}
        {run.label && run.label !== runTitle(run.number) && <span className="muted mono results-label">{run.label}</span>}
        <span className="muted">{nodeCounts(run)}</span>
        {run.progress && run.status === "running" && (
          <span className="muted">
            {run.progress.done}/{run.progress.total}
          </span>
        )}
        {elapsed(run) && <span className="muted">{elapsed(run)}</span>}
        <span className="results-toggle" aria-hidden="true">
          {open ? "▾" : "▴"}
        </span>
      </button>
      {open && (
        <div className="results-body">
          {run.error && (
            <pre className="run-error" role="alert">
              {run.error}
            </pre>
          )}
          {run.status === "queued" && <p className="muted">Waiting for a free run slot{run.queuePosition ? ` (#${run.queuePosition} in line)` : ""}…</p>}
          {(run.status === "running" || run.status === "queued") && outputs.length === 0 && !run.error && (
            <p className="muted">Outputs appear here when the run finishes.</p>
          )}
          {run.final && outputs.length === 0 && !run.error && <p className="muted">This run has no outputs. Add an Output node to collect values.</p>}
          {outputs.length > 0 && (
            <dl className="outputs">
              {outputs.map(([name, v]) => (
                <div key={name} className="output" data-testid={`output-${name}`}>
                  <dt className="output-name mono">{name}</dt>
                  <dd>
                    <ValuePreview value={v} />
                  </dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      )}
    </section>
  );
}
