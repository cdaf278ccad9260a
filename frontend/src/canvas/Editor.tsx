// The editor of one workflow: header, left rail (palette, inputs, runs), canvas with the
// results dock, and the inspector on the right. It opens the workflow (its draft if any) and
// keeps the draft autosaved while it is shown.
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect, useState } from "react";
import { api } from "../api/backend";
import { onEvent } from "../api/events";
import { EditorHeader } from "../panels/EditorHeader";
import { HelpSheet } from "../panels/HelpSheet";
import { RightPanel } from "../panels/Inspector";
import { InputsPanel } from "../panels/InputsPanel";
import { Palette } from "../panels/Palette";
import { ResultsPanel } from "../panels/ResultsPanel";
import { NeedsServer } from "../settings/NeedsServer";
import { RunForm, rememberedValues } from "../panels/RunForm";
import { startEditorSync } from "../generations/sync";
import { RunManyDialog } from "../queue/RunManyDialog";
import { RunHistory } from "../panels/RunHistory";
import { SaveVersionDialog } from "../panels/SaveVersionDialog";
import { addNode, openWorkflow } from "../commands/editor";
import { graphOf, useGraph } from "../stores/graph";
import { startDocSync } from "../stores/persist";
import { toast, useUI, type LeftTab } from "../stores/ui";
import { Canvas } from "./Canvas";
import { FindNode } from "./FindNode";
import { QuickAdd } from "./QuickAdd";
import { useEditorShortcuts } from "./shortcuts";
import { trackPointer, useFlowPoint } from "./useCanvasPoint";
import "./editor.css";

const TABS: { id: LeftTab; label: string }[] = [
  { id: "nodes", label: "Nodes" },
  { id: "inputs", label: "Inputs" },
  { id: "runs", label: "Runs" },
];

function LeftRail() {
  const tab = useUI((s) => s.leftTab);
  const setTab = useUI((s) => s.setLeftTab);
  const inputCount = useGraph((s) => s.inputs.length);
  const toFlow = useFlowPoint();
  return (
    <aside className="left-rail" aria-label="Tools">
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`tabpanel-${t.id}`}
            className={`tab${tab === t.id ? " active" : ""}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
            {t.id === "inputs" && inputCount > 0 && <span className="tab-count">{inputCount}</span>}
          </button>
        ))}
      </div>
      <div className="rail-body" role="tabpanel" id={`tabpanel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === "nodes" && <Palette onAdd={(type) => addNode(type, toFlow())} at={() => toFlow()} />}
        {tab === "inputs" && <InputsPanel />}
        {tab === "runs" && <RunHistory />}
      </div>
    </aside>
  );
}

function Overlays() {
  const overlay = useUI((s) => s.overlay);
  switch (overlay) {
    case "quickAdd":
      return <QuickAdd />;
    case "findNode":
      return <FindNode />;
    case "help":
      return <HelpSheet />;
    case "run":
      return <RunForm />;
    case "runMany":
      return <RunManyDialog onClose={() => useUI.getState().close()} typed={rememberedValues(useGraph.getState().workflowId ?? "")} />;
    case "save":
      return <SaveVersionDialog />;
    default:
      return null;
  }
}

function EditorLayout() {
  useEditorShortcuts();
  return (
    <div className="editor">
      <EditorHeader />
      <div className="editor-body">
        <LeftRail />
        <main className="editor-center" onMouseMove={trackPointer}>
          <NeedsServer />
          <Canvas />
          <ResultsPanel />
        </main>
        <RightPanel />
      </div>
      <Overlays />
    </div>
  );
}

export function Editor({ workflowId }: { workflowId: string }) {
  const [state, setState] = useState<{ ready: boolean; error: string }>({ ready: false, error: "" });
  const navigate = useUI((s) => s.navigate);

  useEffect(() => {
    let stop: (() => void) | null = null;
    let stopSync: (() => void) | null = null;
    let cancelled = false;
    setState({ ready: false, error: "" });
    openWorkflow(workflowId)
      .then(() => {
        if (cancelled) return;
        stop = startDocSync();
        stopSync = startEditorSync(workflowId);
        setState({ ready: true, error: "" });
        localStorage.setItem("flowbench.lastWorkflow", workflowId);
        void api.watchWorkflow(workflowId, graphOf(useGraph.getState())).catch(() => undefined);
      })
      .catch((e: Error) => !cancelled && setState({ ready: false, error: e.message }));
    const offStale = onEvent("stale", (ev) => {
      if (ev.workflow_id === workflowId) toast("info", `A linked file changed${ev.node_id ? ` (node ${ev.node_id})` : ""}: ${ev.text ?? ""}`);
    });
    // said once, not for every run of a batch going on in a terminal
    let toldAt = 0;
    const offOthers = onEvent("generations", (ev) => {
      if (ev.workflow_id !== workflowId || Date.now() - toldAt < 10_000) return;
      toldAt = Date.now();
      toast("info", "Results changed outside this window (a command-line run or pick): updated");
    });
    return () => {
      cancelled = true;
      offStale();
      offOthers();
      stop?.();
      stopSync?.();
      useGraph.getState().close();
      void api.unwatchWorkflow(workflowId).catch(() => undefined);
    };
  }, [workflowId]);

  if (state.error) {
    return (
      <div className="app-main">
        <div className="empty-state">
          <p className="empty-title">Could not open this workflow</p>
          <p className="empty-hint">{state.error}</p>
          <button type="button" className="button" onClick={() => navigate({ page: "dashboard" })}>
            Back to workflows
          </button>
        </div>
      </div>
    );
  }
  if (!state.ready) return <div className="editor editor-loading" aria-busy="true" />;
  return (
    <ReactFlowProvider>
      <EditorLayout />
    </ReactFlowProvider>
  );
}
