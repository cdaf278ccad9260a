// Small controls other panels place on a run: the compare checkbox and Restore; the bar that
// opens the compare view for the chosen runs; the banner that undoes a restore.
import { useEffect } from "react";
import { isFinishedRun } from "../api/types";
import { useGraph } from "../stores/graph";
import { MAX_CHOSEN, compareChosen, useCompare } from "../stores/compare";
import { restoreRun, undoRestore } from "./restore";
import { warmLineDiff } from "./textdiff";
import "./compare.css";

export function CompareCheck({ runId, title = "Choose this run to compare" }: { runId: string; title?: string }) {
  const checked = useCompare((s) => s.chosen.includes(runId));
  return (
    <label className="cmp-check" title={title} onClick={(e) => e.stopPropagation()}>
      <input
        type="checkbox"
        data-testid="compare-check"
        data-run-id={runId}
        aria-label={title}
        checked={checked}
        onChange={() => useCompare.getState().toggle(runId)}
      />
    </label>
  );
}

export function RestoreButton({ run, className = "link-button" }: { run: { id: string; workflow_id: string; label?: string; status: string }; className?: string }) {
  if (!isFinishedRun(run.status) && run.status !== "paused") return null;
  return (
    <button
      type="button"
      className={className}
      data-testid="restore-run"
      title="Make this run's version current and pick the results it used, so the canvas shows this run and runs build on it"
      onClick={(e) => {
        e.stopPropagation();
        void restoreRun(run);
      }}
    >
      Restore
    </button>
  );
}

/** RunCompareTools: the checkbox and Restore, for a queue card or a Runs tab row. */
export function RunCompareTools({ run }: { run: { id: string; workflow_id: string; label?: string; status: string } }) {
  return (
    <span className="cmp-tools">
      <CompareCheck runId={run.id} />
      <RestoreButton run={run} className="cmp-restore" />
    </span>
  );
}

export function CompareBar() {
  const chosen = useCompare((s) => s.chosen);
  const any = chosen.length > 0;
  // a comparison is coming: the line-diff worker starts (and compiles its code) meanwhile
  useEffect(() => {
    if (any) warmLineDiff();
  }, [any]);
  if (chosen.length === 0) return null;
  return (
    <div className="cmp-bar" role="toolbar" aria-label="Compare runs" data-testid="compare-bar">
      <span>
        {chosen.length} run{chosen.length > 1 ? "s" : ""} chosen{chosen.length === 1 ? " — choose one more" : ""}
        {chosen.length >= MAX_CHOSEN ? ` (at most ${MAX_CHOSEN})` : ""}
      </span>
      {chosen.length === 2 && (
        <button type="button" className="button button-primary" data-testid="compare-open" onClick={() => compareChosen(false)}>
          Compare
        </button>
      )}
      {chosen.length >= 2 && (
        <button type="button" className="button" data-testid="compare-grid" onClick={() => compareChosen(true)}>
          Grid
        </button>
      )}
      <button type="button" className="link-button" data-testid="compare-clear" onClick={() => useCompare.getState().clear()}>
        Clear
      </button>
    </div>
  );
}

export function RestoreBanner() {
  const restored = useCompare((s) => s.restored);
  const wf = useGraph((s) => s.workflowId);
  if (!restored || restored.workflowId !== wf) return null;
  return (
    <div className="cmp-restored" role="status" data-testid="restore-banner">
      <span>
        Showing the restored <b>{restored.label}</b>.
      </span>
      <button type="button" className="button" data-testid="undo-restore" onClick={() => void undoRestore(restored.workflowId)}>
        Undo restore
      </button>
      <button type="button" className="link-button" aria-label="Dismiss" onClick={() => useCompare.setState({ restored: null })}>
        ✕
      </button>
    </div>
  );
}
