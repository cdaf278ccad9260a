// The editor header: back to the dashboard, the workflow name (click to rename), the version
// selector, draft state, undo/redo, export, help, Save version and Run.
import { useReactFlow } from "@xyflow/react";
import { useState } from "react";
import { api } from "../api/backend";
import type { FbEdge, FbNode } from "../lib/flowtypes";
import { fitGraph } from "../canvas/fit";
import { autoLayout, refreshMeta } from "../commands/editor";
import { useGraph } from "../stores/graph";
import { runChanged, showChangedPlan } from "../plan/actions";
import { flushDraft } from "../stores/persist";
import { toast, useUI } from "../stores/ui";
import { LensSwitch } from "./LensSwitch";
import { Menu } from "./Menu";
import { VersionMenu } from "./VersionMenu";

function DraftState() {
  const dirty = useGraph((s) => s.dirty);
  const status = useGraph((s) => s.saveStatus);
  const saveError = useGraph((s) => s.saveError);
  const baseLabel = useGraph((s) => s.versions.find((v) => v.id === s.baseVersionId)?.label ?? "");
  let text = dirty ? "Draft — unsaved changes" : `Saved as ${baseLabel}`;
  let cls = dirty ? "draft" : "saved";
  if (status === "error") {
    text = `Autosave failed: ${saveError ?? ""}`;
    cls = "error";
  }
  return (
    <span className={`draft-state ${cls}`} data-testid="draft-state" title={dirty ? "Edits are autosaved as a draft; Save version makes them a version" : undefined}>
      {text}
      {dirty && status !== "error" && <span className="muted small">{status === "saving" || status === "pending" ? " · saving…" : " · autosaved"}</span>}
    </span>
  );
}

function WorkflowName() {
  const workflow = useGraph((s) => s.workflow);
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState("");
  if (!workflow) return null;
  const commit = async () => {
    setEditing(false);
    const next = name.trim();
    if (!next || next === workflow.name) return;
    try {
      await api.renameWorkflow(workflow.id, next);
      await refreshMeta();
    } catch (e) {
      toast("error", (e as Error).message);
    }
  };
  if (editing) {
    return (
      <input
        className="input header-name-input"
        value={name}
        autoFocus
        aria-label="Workflow name"
        onChange={(e) => setName(e.target.value)}
        onBlur={() => void commit()}
        onKeyDown={(e) => {
          if (e.key === "Enter") void commit();
          if (e.key === "Escape") setEditing(false);
        }}
      />
    );
  }
  return (
    <button
      type="button"
      className="header-name"
      title="Rename"
      data-testid="workflow-name"
      onClick={() => {
        setName(workflow.name);
        setEditing(true);
      }}
    >
      {workflow.name}
    </button>
  );
}

export function EditorHeader() {
  const navigate = useUI((s) => s.navigate);
  const open = useUI((s) => s.open);
  const canUndo = useGraph((s) => s.history.past.length > 0);
  const canRedo = useGraph((s) => s.history.future.length > 0);
  const dirty = useGraph((s) => s.dirty);
  const workflowId = useGraph((s) => s.workflowId);
  const rf = useReactFlow<FbNode, FbEdge>();
  const layout = () => {
    void autoLayout().then(() => requestAnimationFrame(() => fitGraph(rf)));
  };
  const exportAs = async (bundle: boolean) => {
    if (!workflowId) return;
    try {
      await flushDraft();
      const path = await api.exportDialog(workflowId, "", bundle);
      if (path) toast("success", `Exported to ${path}`);
    } catch (e) {
      toast("error", `Export failed: ${(e as Error).message}`);
    }
  };
  return (
    <header className="app-header editor-header">
      <button type="button" className="button back-button" onClick={() => navigate({ page: "dashboard" })} aria-label="Back to workflows">
        ← Workflows
      </button>
      <WorkflowName />
      <VersionMenu />
      <DraftState />
      <span className="spacer" />
      <LensSwitch />
      <div className="button-group" role="group" aria-label="Edit">
        <button type="button" className="icon-button" aria-label="Undo" title="Undo (Ctrl+Z)" disabled={!canUndo} onClick={() => useGraph.getState().undo()}>
          ↶
        </button>
        <button type="button" className="icon-button" aria-label="Redo" title="Redo (Ctrl+Shift+Z)" disabled={!canRedo} onClick={() => useGraph.getState().redo()}>
          ↷
        </button>
        <button type="button" className="icon-button" aria-label="Auto-layout" title="Auto-layout (L)" onClick={layout}>
          ⇶
        </button>
      </div>
      <Menu
        label="Export"
        buttonClass="button"
        items={[
          { label: "Export current version…", onSelect: () => void exportAs(false) },
          { label: "Export with all versions…", onSelect: () => void exportAs(true) },
        ]}
      >
        Export
      </Menu>
      <button type="button" className="icon-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => open("help")}>
        ?
      </button>
      <button
        type="button"
        className="button"
        disabled={!dirty}
        title={dirty ? "Save the draft as a new version (Ctrl+S)" : "No unsaved changes"}
        onClick={() => open("save")}
        data-testid="save-version"
      >
        Save version
      </button>
      <div className="button-group run-group" role="group" aria-label="Run">
        <button type="button" className="button button-primary" onClick={() => open("run")} data-testid="run-button" title="Run (Ctrl+Enter)">
          ▶ Run
        </button>
        <button
          type="button"
          className="button"
          onClick={() => open("runMany")}
          data-testid="run-many-open"
          title="Run the workflow N times: the same inputs, a seed sweep, or a list of values"
        >
          Run ×N
        </button>
        <Menu
          label="More ways to run"
          buttonClass="button"
          testId="run-menu"
          items={[
            { label: "Run changed — what changed since its last result, and what depends on it (Ctrl+Shift+Enter)", onSelect: () => void runChanged() },
            { label: "Preview Run changed — which nodes would run again, and why", onSelect: () => void showChangedPlan() },
          ]}
        >
          ▾
        </Menu>
      </div>
    </header>
  );
}
