// Subworkflow operations of the editor (SPEC §15): drop a workflow in as a node pinned to its
// current version, re-pin a node (a version choice, "update to latest"), open a child with a
// way back, and make a subworkflow of the selection. Each canvas change is one undo step.
import { api } from "../api/backend";
import type { RunInfo } from "../api/types";
import { useRuns } from "../stores/runs";
import { graphToFlow } from "../lib/convert";
import { FB_NODE, type FbNode } from "../lib/flowtypes";
import { selectOnly } from "../lib/graphops";
import { uniqueId } from "../lib/ids";
import { draftPatch, graphOf, useGraph } from "../stores/graph";
import { SUBWORKFLOW, useSubflows } from "../stores/subflows";
import { useTrail } from "../stores/subflowTrail";
import { toast, useUI } from "../stores/ui";

/** WORKFLOW_MIME carries a workflow dragged from the palette's Workflows section (its id). */
export const WORKFLOW_MIME = "application/x-flowbench-workflow";

/** addSubworkflow places a subworkflow node running workflowId's current version. */
export async function addSubworkflow(workflowId: string, at: { x: number; y: number }): Promise<string> {
  const spec = await api.subflowSpec(workflowId, "");
  const g = useGraph.getState();
  const id = uniqueId("sub", new Set(g.nodes.map((n) => n.id)));
  const node: FbNode = {
    id,
    type: FB_NODE,
    position: { x: Math.round(at.x), y: Math.round(at.y) },
    data: { type: SUBWORKFLOW, label: spec.workflow_name, params: { workflow: spec.workflow_id, version: spec.version_id } },
    selected: true,
  };
  g.edit((f) => {
    const sel = selectOnly(f, new Set());
    return { ...sel, nodes: [...sel.nodes, node] };
  });
  return id;
}

/** pinVersion re-pins a subworkflow node to another version of its child (one undo step). */
export function pinVersion(nodeId: string, versionId: string): void {
  useGraph.getState().edit((f) => ({
    ...f,
    nodes: f.nodes.map((n) => (n.id === nodeId ? { ...n, data: { ...n.data, params: { ...n.data.params, version: versionId } } } : n)),
  }));
}

/** updateToLatest pins a subworkflow node to its child's current version. */
export async function updateToLatest(nodeId: string): Promise<void> {
  const n = useGraph.getState().nodes.find((x) => x.id === nodeId);
  if (!n) return;
  const spec = await api.subflowSpec(String(n.data.params.workflow ?? ""), "");
  pinVersion(nodeId, spec.version_id);
  toast("info", `${n.data.label || nodeId} now runs ${spec.workflow_name} ${spec.version_label}`);
}

/** openChild opens the workflow a subworkflow node runs, remembering the way back. With a
 * run on the canvas that ran the node, its child run is shown there (the lens steps in). */
export async function openChild(nodeId: string): Promise<void> {
  const g = useGraph.getState();
  const n = g.nodes.find((x) => x.id === nodeId);
  if (!n || n.data.type !== SUBWORKFLOW || !g.workflowId) return;
  const childId = String(n.data.params.workflow ?? "");
  if (!childId) return;
  const runId = useRuns.getState().focused[g.workflowId];
  if (runId) {
    const child = (await api.childRuns(runId).catch(() => [] as RunInfo[])).filter((c) => c.parent_node_id === nodeId).pop();
    if (child) return stepInto(child);
  }
  const parentName = g.workflow?.name ?? "";
  useTrail.setState((s) => ({ trail: [...s.trail, { parentId: g.workflowId!, parentName, childId }] }));
  useUI.getState().navigate({ page: "editor", workflowId: childId });
}

/** stepInto opens a child run's workflow with the run on the canvas. */
export function stepInto(child: RunInfo): void {
  const g = useGraph.getState();
  if (g.workflowId) {
    const parentId = g.workflowId;
    useTrail.setState((s) => ({ trail: [...s.trail, { parentId, parentName: g.workflow?.name ?? "", childId: child.workflow_id }] }));
  }
  useRuns.getState().applyRunInfos([child]);
  useRuns.getState().focus(child.workflow_id, child.id);
  useUI.getState().navigate({ page: "editor", workflowId: child.workflow_id });
}

/** backToParent returns to the workflow the open child was entered from. */
export function backToParent(): void {
  const { trail } = useTrail.getState();
  const last = trail[trail.length - 1];
  if (!last) return;
  useTrail.setState({ trail: trail.slice(0, -1) });
  void useSubflows.getState().refresh(); // the child may have a new version now
  useUI.getState().navigate({ page: "editor", workflowId: last.parentId });
}

/** makeSubworkflow turns the selected nodes into a new workflow named name and puts a
 * subworkflow node in their place (undo brings them back; the new workflow stays). */
export async function makeSubworkflow(name: string): Promise<boolean> {
  const s = useGraph.getState();
  const wf = s.workflowId;
  const ids = s.nodes.filter((n) => n.selected).map((n) => n.id);
  if (!wf || ids.length === 0) {
    toast("error", "Select the nodes to make into a subworkflow first.");
    return false;
  }
  try {
    // the graph as its patch of the base version when that is known (lib/patch.ts)
    const patch = draftPatch(s);
    const made =
      patch === undefined
        ? await api.makeSubworkflow(wf, graphOf(s), ids, name)
        : await api.makeSubworkflowPatch(wf, patch ?? { base_version_id: s.base!.versionId }, ids, name);
    const f = graphToFlow(made.graph);
    useGraph.getState().edit((cur) => ({ ...cur, nodes: f.nodes.map((n) => ({ ...n, selected: n.id === made.node_id })), edges: f.edges }));
    toast("info", `Made ${name} (${made.version_label}) from ${ids.length} node${ids.length === 1 ? "" : "s"}`);
    return true;
  } catch (e) {
    toast("error", (e as Error).message);
    return false;
  }
}
