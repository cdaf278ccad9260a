// The open workflow in the editor: its graph as React Flow nodes and edges plus declared
// inputs, undo history, versions, draft state and the backend's problems. One workflow is
// open at a time; async results for another workflow id are ignored.
import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange } from "@xyflow/react";
import { create } from "zustand";
import type { Graph, InputDecl, Problem, Version, VersionHead, Workflow, WorkflowDetail } from "../api/types";
import { flowToGraph, graphToFlow, missingPositions } from "../lib/convert";
import type { FlowGraph } from "../lib/flowtypes";
import type { FbEdge, FbNode } from "../lib/flowtypes";
import { emptyHistory, record, redo, undo, type History } from "../lib/history";
import { graphPatch, makeBase, type GraphPatch, type PatchBase } from "../lib/patch";
import { layeredLayout } from "../lib/layout";
import { moveRest } from "../canvas/farview";

export type SaveStatus = "idle" | "pending" | "saving" | "error";

export interface GraphState {
  workflowId: string | null;
  workflow: Workflow | null;
  versions: VersionHead[];
  currentVersionId: string;
  /** the version the edited graph started from */
  baseVersionId: string;
  inputs: InputDecl[];
  nodes: FbNode[];
  edges: FbEdge[];
  /** snapshots of the canvas's lists (the objects are never changed in place, so a snapshot
   * holds them, not a conversion of every node) */
  history: History<FlowGraph>;
  /** the graph differs from its base version (a draft) */
  dirty: boolean;
  saveStatus: SaveStatus;
  saveError: string | null;
  /** counts committed edits; autosave and CheckGraph follow it */
  editSeq: number;
  /** the base version's graph as the backend holds it, indexed to make patches of the canvas
   * against (null when unknown: the whole graph is sent) */
  base: PatchBase | null;
  problems: Problem[];
  dragging: boolean;
  /** counts graphs loaded from the backend: the canvas draws a new one in chunks */
  loadSeq: number;

  load: (d: WorkflowDetail) => void;
  close: () => void;
  setMeta: (d: Pick<WorkflowDetail, "workflow" | "versions"> & { currentVersionId: string }) => void;
  edit: (mutate: (f: FlowGraph) => FlowGraph, key?: string) => void;
  onNodesChange: (changes: NodeChange<FbNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<FbEdge>[]) => void;
  /** moveAlong ends a drag React Flow did only part of (it holds only the nodes near the view):
   * every other selected node moves by delta too, in the same undo step as the drag. */
  moveAlong: (dragged: ReadonlySet<string>, delta: { x: number; y: number }) => void;
  undo: () => void;
  redo: () => void;
  markSaved: (baseVersionId: string) => void;
  /** setBase moves the draft onto another base version without marking it saved; sent is the
   * canvas the version was saved from, when the caller holds it */
  setBase: (baseVersionId: string, sent?: FlowGraph) => void;
  markClean: () => void;
  setSaveStatus: (s: SaveStatus, error?: string | null) => void;
  setProblems: (workflowId: string, problems: Problem[]) => void;
}

export function graphOf(s: Pick<GraphState, "inputs" | "nodes" | "edges">): Graph {
  return flowToGraph({ inputs: s.inputs, nodes: s.nodes, edges: s.edges });
}

/** flowOf is the canvas's lists, as a snapshot (no copy: edits replace them). */
export function flowOf(s: Pick<GraphState, "inputs" | "nodes" | "edges">): FlowGraph {
  return { inputs: s.inputs, nodes: s.nodes, edges: s.edges };
}

/** draftPatch is the edited graph as its patch of the base version: null when it is the base's
 * graph, undefined when no base is known (a new workflow's). */
export function draftPatch(s: Pick<GraphState, "inputs" | "nodes" | "edges" | "base">): GraphPatch | null | undefined {
  return s.base ? graphPatch(s.base, flowOf(s)) : undefined;
}

export type RunTarget = { version_id: string } | { patch: GraphPatch } | { graph: Graph };

/**
 * runTarget is what a run of the edited graph names. A graph with no change from its base
 * version (the header says so: no draft, or edits undone back to it) runs that version by its
 * id, so a 10,000-node graph is not sent, decoded, normalized and hashed again to find it; an
 * edited graph is sent as its patch of the base (the backend runs the version equal to the
 * graph it makes, saving it as a new version first when none is), or whole when no base is
 * known.
 */
export function runTarget(s: Pick<GraphState, "inputs" | "nodes" | "edges" | "dirty" | "baseVersionId" | "base">): RunTarget {
  if (!s.dirty && s.baseVersionId) return { version_id: s.baseVersionId };
  const p = draftPatch(s);
  if (p === null) return { version_id: s.base!.versionId };
  return p ? { patch: p } : { graph: graphOf(s) };
}

/** graphKnown: the version came with its graph (a version list may leave graphs out; a
 * version's stored graph always has a node list, empty or not). */
function graphKnown(v: Version): boolean {
  return Array.isArray(v.graph?.nodes);
}

/** flowFromGraph converts a stored graph for the canvas, laying out nodes without position. */
export function flowFromGraph(g: Graph): FlowGraph {
  const f = graphToFlow(g);
  const missing = new Set(missingPositions(g));
  if (missing.size) {
    const pos = layeredLayout(f.nodes.map((n) => ({ id: n.id, parentId: n.parentId })), f.edges);
    f.nodes = f.nodes.map((n) => (missing.has(n.id) && pos[n.id] ? { ...n, position: pos[n.id] } : n));
  }
  return f;
}

const closed = {
  workflowId: null,
  workflow: null,
  versions: [],
  currentVersionId: "",
  baseVersionId: "",
  inputs: [],
  nodes: [],
  edges: [],
  history: emptyHistory<FlowGraph>(),
  dirty: false,
  saveStatus: "idle" as SaveStatus,
  saveError: null,
  editSeq: 0,
  base: null as PatchBase | null,
  problems: [],
  dragging: false,
  loadSeq: 0,
};

export const useGraph = create<GraphState>((set, get) => {
  /** restore puts a snapshot back unselected, keeping measured sizes so nodes do not
   * flicker; a node or edge that needs neither stays the snapshot's object. */
  const restore = (f: FlowGraph) => {
    const s = get();
    const old = new Map(s.nodes.map((n) => [n.id, n]));
    return {
      inputs: f.inputs,
      nodes: f.nodes.map((n) => {
        const measured = n.measured ?? old.get(n.id)?.measured;
        return n.selected || n.dragging || measured !== n.measured ? { ...n, selected: false, dragging: false, measured } : n;
      }),
      edges: f.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
    };
  };

  return {
    ...closed,

    load: (d) => {
      // the draft's base version, whole (sent only when it is not the current version)
      const base = d.base ?? d.current;
      const f = flowFromGraph(d.draft ?? d.current.graph);
      set({
        ...closed,
        loadSeq: get().loadSeq + 1,
        workflowId: d.workflow.id,
        workflow: d.workflow,
        versions: d.versions,
        currentVersionId: d.workflow.current_version_id,
        baseVersionId: base.id,
        inputs: f.inputs,
        nodes: f.nodes,
        edges: f.edges,
        dirty: Boolean(d.draft),
        base: graphKnown(base) ? makeBase(base.id, base.graph, f) : null,
      });
    },

    close: () => set({ ...closed, loadSeq: get().loadSeq }),

    setMeta: ({ workflow, versions, currentVersionId }) => {
      if (get().workflowId !== workflow.id) return;
      set({ workflow, versions, currentVersionId });
    },

    edit: (mutate, key) => {
      const s = get();
      if (!s.workflowId) return;
      const before = flowOf(s);
      const next = mutate({ inputs: s.inputs, nodes: s.nodes, edges: s.edges });
      set({
        inputs: next.inputs,
        nodes: next.nodes,
        edges: next.edges,
        history: record(s.history, before, key),
        dirty: true,
        editSeq: s.editSeq + 1,
      });
    },

    onNodesChange: (changes) => {
      const s = get();
      let { history, dragging, editSeq, dirty } = s;
      let committed = false;
      // one undo step per batch at most: a drag of several nodes ends with one position change
      // each, and only the first of them may be taken for the end of the drag (a step
      // recorded for the second would hold the dragged positions, and undo would keep them)
      const wasDragging = s.dragging;
      let recorded = false;
      const note = (key?: string) => {
        if (recorded) return;
        history = record(history, flowOf(s), key);
        recorded = true;
      };
      for (const c of changes) {
        if (c.type === "position" && c.position) {
          if (c.dragging) {
            if (!wasDragging) note();
            dragging = true;
          } else {
            if (!wasDragging) note("move");
            dragging = false;
            committed = true;
          }
        } else if (c.type === "remove" || c.type === "add" || c.type === "replace") {
          note();
          committed = true;
        }
      }
      if (committed) {
        editSeq += 1;
        dirty = true;
      }
      set({ nodes: applyNodeChanges(changes, s.nodes), history, dragging, editSeq, dirty });
    },

    onEdgesChange: (changes) => {
      const s = get();
      const structural = changes.some((c) => c.type !== "select");
      if (!structural) {
        set({ edges: applyEdgeChanges(changes, s.edges) });
        return;
      }
      set({
        edges: applyEdgeChanges(changes, s.edges),
        history: record(s.history, flowOf(s)),
        editSeq: s.editSeq + 1,
        dirty: true,
      });
    },

    moveAlong: (dragged, delta) => {
      const s = get();
      const nodes = moveRest(s.nodes, dragged, delta);
      if (nodes === s.nodes) return;
      // the drag recorded the graph before it moved (its first position change): this is
      // part of that step, not one of its own
      set({ nodes, editSeq: s.editSeq + 1, dirty: true });
    },

    undo: () => {
      const s = get();
      const r = undo(s.history, flowOf(s));
      if (!r) return;
      set({ ...restore(r.state), history: r.history, editSeq: s.editSeq + 1, dirty: true });
    },

    redo: () => {
      const s = get();
      const r = redo(s.history, flowOf(s));
      if (!r) return;
      set({ ...restore(r.state), history: r.history, editSeq: s.editSeq + 1, dirty: true });
    },

    markSaved: (baseVersionId) =>
      set((s) => ({ baseVersionId, dirty: false, base: makeBase(baseVersionId, graphOf(s), flowOf(s), true) })),

    setBase: (baseVersionId, sent) =>
      set((s) => {
        if (sent) return { baseVersionId, base: makeBase(baseVersionId, flowToGraph(sent), sent, true) };
        // the versions listed come without graphs: a base other than the one held is not known
        // here, so drafts go whole until the next save or load gives a base again
        return { baseVersionId, base: s.base?.versionId === baseVersionId ? s.base : null };
      }),

    markClean: () => set({ dirty: false }),

    setSaveStatus: (saveStatus, saveError = null) => set({ saveStatus, saveError }),

    setProblems: (workflowId, problems) => {
      if (get().workflowId === workflowId) set({ problems });
    },
  };
});

/** selectedNodeId is the one selected node, or null (none or several). */
export function selectedNodeId(s: Pick<GraphState, "nodes">): string | null {
  let id: string | null = null;
  for (const n of s.nodes) {
    if (!n.selected) continue;
    if (id !== null) return null;
    id = n.id;
  }
  return id;
}
