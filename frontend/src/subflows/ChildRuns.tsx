// Child runs nested under their parent in the runs list (SPEC §15). Choosing one steps into
// it: the child workflow opens with that run on the canvas, and the breadcrumb leads back.
import { useEffect, useState } from "react";
import { api } from "../api/backend";
import type { RunInfo } from "../api/types";
import { numberedLabel } from "../lib/runlabel";
import { stepInto } from "../commands/subflows";
import { useGraph } from "../stores/graph";
import { SUBWORKFLOW } from "../stores/subflows";

export function ChildRuns({ runId, status }: { runId: string; status: string }) {
  const hasSub = useGraph((s) => s.nodes.some((n) => n.data.type === SUBWORKFLOW));
  const [children, setChildren] = useState<RunInfo[]>([]);
  useEffect(() => {
    if (!hasSub) return;
    let live = true;
    api
      .childRuns(runId)
      .then((l) => live && setChildren(l))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [runId, status, hasSub]);
  if (children.length === 0) return null;
  return (
    <ul className="run-children" aria-label="Child runs" data-testid={`child-runs-${runId}`}>
      {children.map((c) => (
        <li key={c.id}>
          <button type="button" className="link-button small" onClick={() => stepInto(c)} data-testid="child-run" title="Open the child workflow with this run on the canvas">
            ↳ {c.workflow_name || "child"} · {c.parent_node_id} · {numberedLabel(c.number)} <span className={`status-chip st-${c.status}`}>{c.status}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
