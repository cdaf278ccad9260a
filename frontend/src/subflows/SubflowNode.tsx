// What a subworkflow node adds to the generic node (SPEC §15): the child's name and pinned
// version, an "update available" badge when the child has a newer version; and the
// breadcrumb back to the parent after opening a child.
import { memo } from "react";
import type { SubflowSpec } from "../api/types";
import { backToParent } from "../commands/subflows";
import { useTrail } from "../stores/subflowTrail";
import { useGraph } from "../stores/graph";
import "./subflows.css";

export const SubflowLine = memo(function SubflowLine({ spec, error }: { spec?: SubflowSpec; error?: string }) {
  if (error) return <div className="fb-subflow fb-subflow-missing" data-testid="subflow-missing">{error}</div>;
  if (!spec) return <div className="fb-subflow muted">…</div>;
  return (
    <div className="fb-subflow" data-testid="subflow-line" title="Double-click to open the workflow it runs">
      <span className="fb-subflow-name">{spec.workflow_name}</span>
      <span className="fb-subflow-version" data-testid="subflow-version">{spec.version_label}</span>
      {spec.update_available && (
        <span className="fb-subflow-update" data-testid="subflow-update" title={`${spec.workflow_name} has a newer version, ${spec.latest_version_label}: choose it in the inspector`}>
          update available
        </span>
      )}
    </div>
  );
});

/** SubflowBreadcrumb leads back to the parent workflow a child was opened from. */
export function SubflowBreadcrumb() {
  const wf = useGraph((s) => s.workflowId);
  const name = useGraph((s) => s.workflow?.name ?? "");
  const last = useTrail((s) => s.trail[s.trail.length - 1]);
  if (!last || last.childId !== wf) return null;
  return (
    <nav className="subflow-crumbs" aria-label="Subworkflow path" data-testid="subflow-breadcrumb">
      <button type="button" className="link-button" onClick={backToParent} data-testid="subflow-back">
        ← {last.parentName || "parent"}
      </button>
      <span aria-hidden="true"> › </span>
      <span>{name}</span>
    </nav>
  );
}
