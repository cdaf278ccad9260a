// The workflow's runs, newest first: version, status, label and time. Clicking one shows it
// on the canvas (it becomes the focused run).
import { useEffect } from "react";
import { useShallow } from "zustand/react/shallow";
import { RunCompareTools } from "../compare/Controls";
import { loadRunHistory } from "../commands/editor";
import { useGraph } from "../stores/graph";
import { fetchRun, useRuns } from "../stores/runs";
import { useUI } from "../stores/ui";
import { relativeTime } from "../lib/time";
import { extraLabel, runTitle } from "../lib/runlabel";
import { RunAgainButton } from "./RunForm";
import { ChildRuns } from "../subflows/ChildRuns";

export function RunHistory() {
  const wf = useGraph((s) => s.workflowId);
  const runs = useRuns(useShallow((s) => Object.values(s.runs).filter((r) => r.workflowId === wf)));
  const focusedId = useRuns((s) => (wf ? s.focused[wf] : undefined));
  useEffect(() => {
    if (wf) void loadRunHistory(wf).catch(() => undefined);
  }, [wf]);
  const sorted = [...runs].sort((a, b) => (b.createdAt || "~").localeCompare(a.createdAt || "~") || b.number - a.number);
  if (!wf) return null;
  return (
    <div className="run-history">
      {sorted.length === 0 && <p className="muted">No runs yet. Press Run in the header.</p>}
      <ol className="run-list" aria-label="Runs">
        {sorted.map((r) => (
          <li key={r.id} className="run-history-item">
            <span className="cmp-tools run-again-tools">
              <RunCompareTools run={{ id: r.id, workflow_id: wf, label: r.label, status: r.status }} />
              <RunAgainButton runId={r.id} workflowId={wf} />
            </span>
            <button
              type="button"
              className={`run-row${r.id === focusedId ? " focused" : ""}`}
              aria-current={r.id === focusedId ? "true" : undefined}
              onClick={() => {
                useRuns.getState().focus(wf, r.id);
                useUI.getState().setResultsOpen(true);
                if (!r.final) void fetchRun(r.id);
              }}
            >
              <span className="run-row-top">
                <span className="run-name">{runTitle(r.number)}</span>
                <span className={`status-chip st-${r.status}`}>{r.status}</span>
              </span>
              <span className="run-row-bottom">
                <span className="muted small">{r.versionLabel}</span>
                <span className="mono small run-label">{extraLabel(r.label, r.number)}</span>
                <span className="muted small">{relativeTime(r.createdAt)}</span>
              </span>
              {r.id === focusedId && <span className="on-canvas small">On canvas</span>}
            </button>
            <ChildRuns runId={r.id} status={r.status} />
          </li>
        ))}
      </ol>
    </div>
  );
}
