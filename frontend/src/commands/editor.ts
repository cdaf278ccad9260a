// Editor operations that combine backend calls with the stores: opening a workflow, adding
// and pasting nodes, saving and switching versions, starting a run. Components call these;
// the backend decides (validation, versions), the stores reflect what it said.
import { api } from "../api/backend";
import type { InputDecl, RunInfo, Version, WorkflowDetail } from "../api/types";
import { setWindowTitle } from "../api/window";
import { copyNodes, pasteClip, type Clip } from "../lib/clipboard";
import { graphToFlow } from "../lib/convert";
import { FB_NODE, type FbNode, type FlowGraph } from "../lib/flowtypes";
import { freeSpot, removeSelected, selectOnly } from "../lib/graphops";
import { baseIdFor, uniqueId } from "../lib/ids";
import { layeredLayout, type Positions } from "../lib/layout";
import { layoutAsync } from "../lib/layoutAsync";
import { defaultParams } from "../lib/params";
import { renameInput } from "../lib/rename";
import { useCatalog } from "../stores/catalog";
import { graphOf, useGraph } from "../stores/graph";
import { cancelPendingSave, flushDraft, recheck, serial, startEdited, type StartedEdited } from "../stores/persist";
import { useRuns } from "../stores/runs";
import { toast, useUI } from "../stores/ui";

/** openWorkflow loads a workflow (its draft if any) into the editor, and its run history. */
export async function openWorkflow(id: string): Promise<WorkflowDetail> {
  const d = await api.openWorkflow(id);
  useGraph.getState().load(d);
  setWindowTitle(d.workflow.name);
  recheck();
  // Reopened: with no run picked, the canvas shows the latest active run, else the latest
  // finished one (the lens's fallback in stores/runs.ts).
  void loadRunHistory(d.workflow.id).catch((e: Error) => console.error("loading runs", e));
  return d;
}

/** refreshMeta reloads versions and the current version without touching the graph. */
export async function refreshMeta(): Promise<void> {
  const wf = useGraph.getState().workflowId;
  if (!wf) return;
  const d = await api.workflowMeta(wf);
  useGraph.getState().setMeta({ workflow: d.workflow, versions: d.versions ?? [], currentVersionId: d.workflow.current_version_id });
  setWindowTitle(d.workflow.name);
}

/** loadRunHistory puts a workflow's stored runs into the runs store (newest first). */
export async function loadRunHistory(workflowId: string): Promise<RunInfo[]> {
  const list = await api.listRuns(workflowId, 100);
  useRuns.getState().applyRunInfos([...list].reverse());
  return list;
}

/** nodeAt builds a new node of a type at a canvas position, with a free id and its defaults. */
function newNode(type: string, at: { x: number; y: number }, taken: Set<string>): FbNode {
  const t = useCatalog.getState().types[type];
  const id = uniqueId(baseIdFor(type), taken);
  const params = defaultParams(t);
  if (type === "io.output") {
    const names = new Set(
      useGraph
        .getState()
        .nodes.filter((n) => n.data.type === "io.output")
        .map((n) => String(n.data.params.name ?? "output")),
    );
    params.name = uniqueId("output", names);
  }
  return { id, type: FB_NODE, position: at, data: { type, params }, selected: true };
}

/** addNode places a node of a type on the canvas, selected, and returns its id. */
export function addNode(type: string, at: { x: number; y: number }, exact = false): string {
  const g = useGraph.getState();
  // a node dropped at a point lands there; one added by a click finds a free spot near it
  const node = newNode(type, exact ? { x: Math.round(at.x), y: Math.round(at.y) } : freeSpot(g.nodes, at), new Set(g.nodes.map((n) => n.id)));
  g.edit((f) => {
    const sel = selectOnly(f, new Set());
    return { ...sel, nodes: [...sel.nodes, node] };
  });
  return node.id;
}

let clipboard: Clip | null = null;

export function copySelection(): number {
  const s = useGraph.getState();
  const g = graphOf(s);
  const chosen = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
  if (!chosen.size) return 0;
  clipboard = copyNodes(g.nodes, g.edges, chosen);
  return clipboard.nodes.length;
}

export function pasteClipboard(): number {
  if (!clipboard || !clipboard.nodes.length) return 0;
  const s = useGraph.getState();
  const pasted = pasteClip(clipboard, new Set(s.nodes.map((n) => n.id)));
  clipboard = { nodes: pasted.nodes, edges: pasted.edges }; // pasting again steps further
  const f = graphToFlow({ inputs: [], nodes: pasted.nodes, edges: pasted.edges });
  s.edit((g) => {
    const sel = selectOnly(g, new Set());
    return { ...sel, nodes: [...sel.nodes, ...f.nodes.map((n) => ({ ...n, selected: true }))], edges: [...sel.edges, ...f.edges] };
  });
  return pasted.nodes.length;
}

export function deleteSelection(): void {
  const s = useGraph.getState();
  if (!s.nodes.some((n) => n.selected) && !s.edges.some((e) => e.selected)) return;
  s.edit(removeSelected);
}

export function selectAll(): void {
  const s = useGraph.getState();
  const all = new Set(s.nodes.map((n) => n.id));
  useGraph.setState({ nodes: selectOnly(s, all).nodes });
}

/** Graphs at least this big are laid out in a worker; a smaller one takes a few milliseconds
 * here, less than starting a worker and copying the graph to it. */
export const LAYOUT_IN_WORKER = 400;

/** autoLayout arranges the graph left to right by depth, as one undo step. A large graph is
 * laid out in a worker (the window does not freeze), a small one at once. Nodes added
 * meanwhile keep their place; a workflow closed meanwhile is left alone. */
export function autoLayout(): Promise<void> {
  const s = useGraph.getState();
  const wf = s.workflowId;
  if (!wf) return Promise.resolve();
  const nodes = s.nodes.map((n) => ({ id: n.id, parentId: n.parentId, width: n.measured?.width, height: n.measured?.height }));
  const apply = (pos: Positions) => {
    const now = useGraph.getState();
    if (now.workflowId !== wf) return;
    now.edit((f: FlowGraph) => ({ ...f, nodes: f.nodes.map((n) => (pos[n.id] ? { ...n, position: pos[n.id] } : n)) }));
  };
  if (nodes.length < LAYOUT_IN_WORKER) {
    apply(layeredLayout(nodes, s.edges));
    return Promise.resolve();
  }
  return layoutAsync(nodes, s.edges).then(apply);
}

/** setInputs replaces the declared inputs (one undo step per field burst). */
export function setInputs(inputs: InputDecl[], key?: string): void {
  useGraph.getState().edit((f) => ({ ...f, inputs }), key);
}

/** renameFlowInput renames an input and rewrites references; it reports warnings. */
export function renameFlowInput(old: string, next: string): string[] {
  const s = useGraph.getState();
  const r = renameInput(graphOf(s), useCatalog.getState().types, old, next);
  const f = graphToFlow(r.graph);
  const selected = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
  const measured = new Map(s.nodes.map((n) => [n.id, n.measured]));
  s.edit(() => ({
    inputs: f.inputs,
    nodes: f.nodes.map((n) => ({ ...n, selected: selected.has(n.id), measured: measured.get(n.id) })),
    edges: f.edges,
  }));
  return r.warnings;
}

/** saveVersion saves the edited graph as the new current version (the backend validates;
 * a refused graph stays the autosaved draft). */
export async function saveVersion(notes: string): Promise<Version> {
  const wf = useGraph.getState().workflowId!;
  // an edit goes as its patch of the base version, and without the pending autosave first:
  // the save drops the draft (an unedited graph goes whole, as laid out on the canvas)
  const { out: v, seq, sent } = await startEdited(
    (target) =>
      "patch" in target
        ? api.saveVersionPatch(wf, target.patch, notes)
        : api.saveVersion(wf, "graph" in target ? target.graph : graphOf(useGraph.getState()), notes),
    () => true,
  );
  if (useGraph.getState().editSeq === seq) useGraph.getState().markSaved(v.id);
  else useGraph.getState().setBase(v.id, sent); // edited meanwhile: still a draft, now on top of v
  await refreshMeta();
  return v;
}

/** switchVersion makes a version current and reloads the editor from the backend. A valid
 * draft is saved as a version first by the backend; an invalid one stays the draft. */
export async function switchVersion(versionId: string): Promise<void> {
  const wf = useGraph.getState().workflowId!;
  await flushDraft();
  await serial(() => api.useVersion(wf, versionId));
  const d = await openWorkflow(wf);
  if (d.draft) {
    toast("warning", `Your draft has problems, so it was kept as a draft and is still shown. Discard it to see ${d.current.label}.`);
  }
}

/** discardDraft drops the draft and shows the current version. */
export async function discardDraft(): Promise<void> {
  const wf = useGraph.getState().workflowId!;
  cancelPendingSave();
  await serial(() => api.discardDraft(wf));
  await openWorkflow(wf);
}

export async function createVersionFrom(fromId: string, notes: string): Promise<Version> {
  const wf = useGraph.getState().workflowId!;
  const v = await api.createVersion(wf, fromId, notes);
  await refreshMeta();
  return v;
}

/** startRun runs the edited graph with input values; the backend runs the version equal to
 * it, saving the draft as a new version first when none is. */
export async function startRun(inputs: Record<string, unknown>): Promise<RunInfo> {
  const s = useGraph.getState();
  const wf = s.workflowId!;
  let started: StartedEdited<RunInfo>;
  try {
    started = await startEdited((target) => api.startRun({ workflow_id: wf, ...target, inputs }), (info) => !!info.saved_version);
  } catch (e) {
    void refreshMeta(); // a refused run may still have saved the draft as a version
    throw e;
  }
  const { out: info, seq, sent } = started;
  useRuns.getState().applyRunInfo(info);
  useRuns.getState().focus(wf, info.id);
  useUI.getState().setResultsOpen(true);
  noteSavedVersion(info, seq, sent);
  return info;
}

/**
 * noteSavedVersion: a run (or batch) that saved the draft as a new version to run it makes
 * that version the editor's base (the header shows it, not the draft), unless the graph was
 * edited meanwhile (editSeq moved on). seq is editSeq when the graph was sent, sent the canvas
 * it was sent from.
 */
export function noteSavedVersion(info: Pick<RunInfo, "saved_version" | "version_id">, seq: number, sent: FlowGraph): void {
  if (info.saved_version) {
    if (useGraph.getState().editSeq === seq) useGraph.getState().markSaved(info.version_id);
    else useGraph.getState().setBase(info.version_id, sent);
    toast("info", `Saved the draft as ${info.saved_version} to run it.`);
  }
  void refreshMeta();
}
