// The header's lens: says what the canvas shows — a run's records ("Showing: Run #3 seed=2")
// or each node's current generation ("Showing: Current") — and switches between the two.
import { setShowCurrent, useShowCurrent } from "../stores/shown";
import { useGraph } from "../stores/graph";
import { focusedRun, useRuns } from "../stores/runs";
import { runName } from "../lib/runlabel";

export function LensSwitch() {
  const workflowId = useGraph((s) => s.workflowId);
  const showCurrent = useShowCurrent(workflowId);
  const name = useRuns((s) => {
    const r = focusedRun(s, workflowId);
    return r ? runName(r.number, r.label) : "";
  });
  if (!workflowId) return null;
  const onRun = !showCurrent && name !== "";
  return (
    <div className="lens-switch" role="group" aria-label="What the canvas shows">
      <span className="lens-showing" data-testid="lens-showing" title={onRun ? `${name}: every node shows this run's result; nodes it did not touch are dimmed` : "Every node shows its current result (picked, else latest)"}>
        Showing: <strong>{onRun ? name : "Current"}</strong>
      </span>
      {name !== "" && (
        <button
          type="button"
          className="button lens-toggle"
          aria-pressed={showCurrent}
          onClick={() => setShowCurrent(workflowId, !showCurrent)}
          data-testid="lens-current-toggle"
          title={showCurrent ? `Show ${name} on the canvas` : "Show each node's current result"}
        >
          {showCurrent ? "Show run" : "Current"}
        </button>
      )}
    </div>
  );
}
