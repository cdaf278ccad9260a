// The inspector: the selected node's label and a params form built from its type's schema,
// the backend's problems for it and what the focused run did with it. Below it sits the
// node's generations. With no node selected it shows the graph's
// own problems and a hint.
import { useEffect, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { api } from "../api/backend";
import type { Problem } from "../api/types";
import { formatDuration } from "../lib/format";
import { patchNode } from "../lib/graphops";
import { paramValue } from "../lib/params";
import { nodeProblems } from "../lib/problems";
import { statusLabel } from "../nodes/NodeStatus";
import { useCatalog } from "../stores/catalog";
import { selectedNodeId, useGraph } from "../stores/graph";
import { focusedNodeRun, useRuns } from "../stores/runs";
import { toast, useUI } from "../stores/ui";
import { GenerationViewer } from "../generations/GenerationViewer";
import { refreshStale } from "../generations/sync";
import { PlanPanel } from "../plan/PlanPanel";
import { reasonText } from "../plan/reasons";
import { ParamField } from "./ParamField";
import { SubflowInspector } from "../subflows/SubflowInspector";
import { modelSource, providerModels } from "../settings/providers";
import { useSyncedText } from "./useSyncedText";

function Problems({ problems }: { problems: Problem[] }) {
  if (!problems.length) return null;
  return (
    <ul className="problems" aria-label="Problems" data-testid="problems">
      {problems.map((p, i) => (
        <li key={i} className="problem">
          {p.param ? (
            <span className="mono">{p.param}: </span>
          ) : p.handle ? (
            <span className="mono">{p.handle}: </span>
          ) : p.input ? (
            <span className="mono">{`{{${p.input}}}`}: </span>
          ) : null}
          {p.message}
        </li>
      ))}
    </ul>
  );
}

/**
 * useDeterministic is the backend's answer for this node with its params (a seed makes
 * image.noise deterministic), the type's flag until it comes.
 */
function useDeterministic(type: string | undefined, params: Record<string, unknown> | undefined, byType: boolean | undefined): boolean | undefined {
  const [answer, setAnswer] = useState<{ key: string; value: boolean } | null>(null);
  const key = type ? type + "\u0000" + JSON.stringify(params ?? {}) : "";
  useEffect(() => {
    if (!type) return;
    let live = true;
    api.nodeDeterministic(type, params ?? {}).then(
      (value) => live && setAnswer({ key, value }),
      () => undefined, // keep the type's flag
    );
    return () => {
      live = false;
    };
    // params are compared by their JSON (key), not by identity
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return answer && answer.key === key ? answer.value : byType;
}

function NodeRunInfo({ nodeId }: { nodeId: string }) {
  const wf = useGraph((s) => s.workflowId);
  const rec = useRuns((s) => focusedNodeRun(s, wf, nodeId));
  if (!rec) return null;
  return (
    <section className="inspector-section" aria-label="Last run">
      <h3 className="rail-heading">In the run on the canvas</h3>
      <p>
        <span className={`status-chip st-${rec.status}`}>{statusLabel(rec.status)}</span>
        {rec.durationMs !== undefined && rec.status !== "running" && <span className="muted"> {formatDuration(rec.durationMs)}</span>}
      </p>
      {rec.reasons && rec.reasons.length > 0 && <p className="muted small">Why: {rec.reasons.map(reasonText).join("; ")}.</p>}
      {rec.error && <pre className="run-error">{rec.error}</pre>}
      {rec.logs && rec.logs.length > 0 && <pre className="run-log">{rec.logs.join("\n")}</pre>}
    </section>
  );
}

/** NodeExtras are the per-node panels under the inspector: the node's generations. */
export function NodeExtras({ nodeId }: { nodeId: string }) {
  const wf = useGraph((s) => s.workflowId);
  if (!wf) return null;
  return <GenerationViewer key={nodeId} workflowId={wf} nodeId={nodeId} onChanged={() => refreshStale()} onError={(m) => toast("error", m)} />;
}

/** useModels lists the models of a node's provider when the node has a provider param
 * (SPEC §12: a node's model param offers the provider's models). */
function useModels(hasProvider: boolean, params: Record<string, unknown> | undefined): string[] | undefined {
  const source = hasProvider ? modelSource(params) : null;
  const [models, setModels] = useState<{ source: string; list: string[] } | null>(null);
  useEffect(() => {
    if (source === null) return;
    let live = true;
    void providerModels(source).then((list) => live && setModels({ source, list }));
    return () => {
      live = false;
    };
  }, [source]);
  return source !== null && models?.source === source ? models.list : undefined;
}

function NodeInspector({ nodeId }: { nodeId: string }) {
  const node = useGraph((s) => s.nodes.find((n) => n.id === nodeId));
  const problemsAll = useGraph((s) => s.problems);
  const t = useCatalog((s) => (node ? s.types[node.data.type] : undefined));
  const deterministic = useDeterministic(node?.data.type, node?.data.params, t?.deterministic);
  const models = useModels(Boolean(t?.params?.some((p) => p.name === "provider")), node?.data.params);
  const [label, setLabel] = useSyncedText(node?.data.label ?? "", (v) => String(v ?? ""), (x) => ({ ok: true, value: x }));
  if (!node) return null;
  // A problem about one param shows under its field (SPEC §4); the others on top.
  const { byParam, other: problems } = nodeProblems(
    problemsAll,
    nodeId,
    (t?.params ?? []).map((p) => p.name),
  );
  const edit = (patch: Parameters<typeof patchNode>[2], key: string) => useGraph.getState().edit((f) => patchNode(f, nodeId, patch), key);
  return (
    <div className="inspector" data-testid="inspector">
      <div className="inspector-head">
        <h2 className="inspector-title">{node.data.label || t?.title || node.data.type}</h2>
        <p className="muted small">
          <span className="mono">{node.id}</span> · <span className="mono">{node.data.type}</span>
          {t && deterministic === false && <span title="May give different results for the same inputs"> · nondeterministic</span>}
        </p>
        {t?.description && <p className="small">{t.description}</p>}
      </div>
      <Problems problems={problems} />
      <div className="field">
        <label className="field-label" htmlFor={`label-${nodeId}`}>
          Label
        </label>
        <input
          id={`label-${nodeId}`}
          className="input"
          value={label}
          placeholder={t?.title ?? ""}
          onChange={(e) => {
            setLabel(e.target.value);
            edit({ label: e.target.value }, `label:${nodeId}`);
          }}
        />
      </div>
      {t?.subflow && <SubflowInspector nodeId={nodeId} params={node.data.params} problems={byParam} />}
      {(t?.subflow ? [] : (t?.params ?? [])).map((spec) => (
        <ParamField
          key={`${nodeId}:${spec.name}`}
          spec={spec}
          nodeId={nodeId}
          value={paramValue(spec, node.data.params)}
          problem={byParam[spec.name]}
          suggestions={spec.name === "model" ? models : undefined}
          onChange={(v) => edit({ params: { [spec.name]: v } }, `param:${nodeId}:${spec.name}`)}
        />
      ))}
      {t?.dynamic_outputs && (
        <p className="small">
          It has one output per declared flow input.{" "}
          <button type="button" className="link-button" onClick={() => useUI.getState().setLeftTab("inputs")}>
            Edit the inputs
          </button>
        </p>
      )}
      {t && !t.dynamic_outputs && (t.params ?? []).length === 0 && <p className="muted small">This node has no settings.</p>}
      <NodeRunInfo nodeId={nodeId} />
    </div>
  );
}

function GraphOverview() {
  const problems = useGraph(useShallow((s) => s.problems.filter((p) => !p.node_id)));
  const count = useGraph((s) => s.nodes.length);
  const edges = useGraph((s) => s.edges.length);
  const inputs = useGraph((s) => s.inputs.length);
  const workflow = useGraph((s) => s.workflow);
  const selected = useGraph((s) => s.nodes.filter((n) => n.selected).length);
  const allProblems = useGraph((s) => s.problems.length);
  return (
    <div className="inspector">
      <div className="inspector-head">
        <h2 className="inspector-title">{workflow?.name}</h2>
        {workflow?.description && <p className="small">{workflow.description}</p>}
        <p className="muted small">
          {count} node{count === 1 ? "" : "s"} · {edges} connection{edges === 1 ? "" : "s"} · {inputs} input{inputs === 1 ? "" : "s"}
        </p>
      </div>
      <p className="muted">
        {selected > 1 ? `${selected} nodes selected.` : count ? "Select a node to edit its settings." : "Nothing to inspect yet."}
      </p>
      {allProblems > 0 && (
        <p className="small warn-text" data-testid="graph-problem-count">
          {allProblems} problem{allProblems === 1 ? "" : "s"} to fix before this graph can be saved as a version.
        </p>
      )}
      <Problems problems={problems} />
    </div>
  );
}

export function RightPanel() {
  const nodeId = useGraph(selectedNodeId);
  return (
    <aside className="right-panel" aria-label="Inspector">
      <PlanPanel />
      {nodeId ? <NodeInspector key={nodeId} nodeId={nodeId} /> : <GraphOverview />}
      {nodeId && <NodeExtras nodeId={nodeId} />}
    </aside>
  );
}
