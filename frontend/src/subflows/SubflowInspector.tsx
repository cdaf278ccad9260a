// The inspector of a subworkflow node (SPEC §15): which workflow it runs, the pinned version
// (a choice among the child's versions, "Update to latest"), and a way to open the child.
import { useEffect, useState } from "react";
import { api } from "../api/backend";
import type { VersionHead } from "../api/types";
import { openChild, pinVersion, updateToLatest } from "../commands/subflows";
import { pinOf, useSubflowSpec } from "../stores/subflows";
import { toast } from "../stores/ui";

export function SubflowInspector({ nodeId, params, problems }: { nodeId: string; params: Record<string, unknown>; problems: Record<string, string> }) {
  const pin = pinOf(params);
  const { spec, error } = useSubflowSpec(pin.workflow, pin.version);
  const [versions, setVersions] = useState<VersionHead[]>([]);
  useEffect(() => {
    let live = true;
    if (pin.workflow)
      api
        .workflowMeta(pin.workflow)
        .then((d) => live && setVersions(d.versions ?? []))
        .catch(() => live && setVersions([]));
    return () => {
      live = false;
    };
  }, [pin.workflow]);
  const problem = problems.workflow ?? problems.version;
  return (
    <section className="inspector-section subflow-inspector" aria-label="Subworkflow" data-testid="subflow-inspector">
      <div className="field">
        <span className="field-label">Runs the workflow</span>
        <div className="subflow-inspector-name">
          <strong>{spec?.workflow_name ?? pin.workflow}</strong>{" "}
          <button type="button" className="link-button" onClick={() => void openChild(nodeId)} data-testid="subflow-open">
            Open
          </button>
        </div>
      </div>
      <div className="field">
        <label className="field-label" htmlFor={`subflow-version-${nodeId}`}>
          Pinned version
        </label>
        <select
          id={`subflow-version-${nodeId}`}
          className="input"
          value={pin.version}
          onChange={(e) => pinVersion(nodeId, e.target.value)}
          data-testid="subflow-version-select"
        >
          {!versions.some((v) => v.id === pin.version) && <option value={pin.version}>{spec?.version_label ?? pin.version}</option>}
          {versions.map((v) => (
            <option key={v.id} value={v.id}>
              {v.label}
              {v.id === spec?.latest_version_id ? " (latest)" : ""}
              {v.notes ? ` — ${v.notes}` : ""}
            </option>
          ))}
        </select>
        {spec?.update_available && (
          <p className="small">
            {spec.workflow_name} has a newer version, {spec.latest_version_label}.{" "}
            <button
              type="button"
              className="button button-small"
              data-testid="subflow-update-latest"
              onClick={() => void updateToLatest(nodeId).catch((e: Error) => toast("error", e.message))}
            >
              Update to latest
            </button>
          </p>
        )}
        {(problem || error) && <p className="field-error">{problem ?? error}</p>}
      </div>
      {spec && (
        <p className="muted small">
          Inputs: {(spec.inputs ?? []).map((h) => `${h.name} (${h.type})`).join(", ") || "none"} · Outputs:{" "}
          {(spec.outputs ?? []).map((h) => h.name).join(", ") || "none"}
        </p>
      )}
    </section>
  );
}
