// The plan preview (top of the right panel): what a run from a node, or a changed run, would do
// with every node, and why, in plain words. While it is open the canvas colours nodes rerun /
// reuse / untouched.
import { useEffect, useRef } from "react";
import { useGraph } from "../stores/graph";
import { runChanged, runFromHere } from "./actions";
import { actionWord, explainWhy, planOrder, summarize } from "./reasons";
import { closePlan, planOpen, usePlan } from "../stores/plan";
import "./plan.css";

export function PlanPanel() {
  const workflowId = useGraph((s) => s.workflowId);
  const dirty = useGraph((s) => s.dirty);
  const { plan, from, changed, loading, error, workflowId: planWf, sources } = usePlan();
  // an edit makes the plan out of date: it closes
  const editSeq = useGraph((s) => s.editSeq);
  const seenSeq = useRef(editSeq);
  useEffect(() => {
    if (editSeq !== seenSeq.current) {
      seenSeq.current = editSeq;
      if (planOpen(usePlan.getState())) closePlan();
    }
  }, [editSeq]);
  if (!planOpen({ from, changed }) || planWf !== workflowId) return null;
  const title = (id: string) => {
    // labels are read when the plan renders; an edit closes the plan anyway
    const n = useGraph.getState().nodes.find((x) => x.id === id);
    return n?.data.label || id;
  };
  const sum = plan ? summarize(plan) : null;
  return (
    <aside className="plan-panel" aria-label={from ? `Plan of a run from ${from}` : "Plan of a changed run"} data-testid="plan-panel">
      <header className="plan-head">
        <h3>
          {from ? (
            <>
              Run from <span className="plan-from">{title(from)}</span>
            </>
          ) : (
            "Run changed"
          )}
        </h3>
        <button type="button" className="icon" aria-label="Close the plan" onClick={closePlan}>
          ✕
        </button>
      </header>
      {loading && <p className="pv-muted">Planning…</p>}
      {error && (
        <p className="gen-error" role="alert">
          {error}
        </p>
      )}
      {plan && sum && (
        <>
          <p className="plan-summary" data-testid="plan-summary">
            {sum.text}.
          </p>
          {dirty && (
            <p className="plan-note">
              This plan includes your unsaved edits; running saves them as a new version first.
            </p>
          )}
          <ol className="plan-list">
            {planOrder(plan)
              .filter(([, pn]) => pn.action !== "untouched")
              .map(([id, pn]) => (
                <li key={id} className={`plan-item plan-${pn.action}`} data-testid={`plan-item-${id}`}>
                  <span className="plan-chip">{actionWord(pn.action, pn.reasons)}</span>
                  <span className="plan-node">{title(id)}</span>
                  <span className="plan-why">{explainWhy(pn, pn.source_generation_id ? sources[pn.source_generation_id] : undefined)}</span>
                </li>
              ))}
          </ol>
          {sum.untouched > 0 && <p className="pv-muted">{sum.untouched} other nodes are not needed and keep their results.</p>}
          <div className="plan-actions">
            <button type="button" className="primary" onClick={() => void (from ? runFromHere(from) : runChanged())} data-testid="plan-run">
              Run
            </button>
            <button type="button" onClick={closePlan}>
              Cancel
            </button>
          </div>
        </>
      )}
    </aside>
  );
}
