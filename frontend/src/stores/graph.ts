// The open workflow in the editor: its graph as React Flow nodes and edges plus declared
// inputs, undo history, versions, draft state and the backend's problems. One workflow is
// open at a time; async results for another workflow id are ignored.
import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange } from "@xyflow/react";
import { create } from "zustand";
import type { Graph, InputDecl, Problem, Version, Workflow, WorkflowDetail } from "../api/types";
import { flowToGraph, graphToFlow, missingPositions } from "../lib/convert";
import type { FlowGraph } from "../lib/flowtypes";
import type { FbEdge, FbNode } from "../lib/flowtypes";
import { emptyHistory, record, redo, undo, type History } from "../lib/history";
import { layeredLayout } from "../lib/layout";
import { moveRest } from "../canvas/farview";

export type SaveStatus = "idle" | "pending" | "saving" | "error";

export interface GraphState {
  workflowId: string | null;
  workflow: Workflow | null;
  versions: Version[];
  currentVersionId: string;
  /** the version the edited graph started from */
  baseVersionId: string;
  inputs: InputDecl[];
  nodes: FbNode[];
  edges: FbEdge[];
  history: History<Graph>;
  /** the graph differs from its base version (a draft) */
  dirty: boolean;
  saveStatus: SaveStatus;
  saveError: string | null;
  /** counts committed edits; autosave and CheckGraph follow it */
  editSeq: number;
  /** JSON of the base version's graph as the canvas writes it, to notice "back to saved" */
  baseJSON: string;
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
  /** setBase moves the draft onto another base version without marking it saved */
  setBase: (baseVersionId: string) => void;
  markClean: () => void;
  setSaveStatus: (s: SaveStatus, error?: string | null) => void;
  setProblems: (workflowId: string, problems: Problem[]) => void;
}

export function graphOf(s: Pick<GraphState, "inputs" | "nodes" | "edges">): Graph {
  return flowToGraph({ inputs: s.inputs, nodes: s.nodes, edges: s.edges });
}

/**
 * runTarget is what a run of the edited graph names. A graph with no change from its base
 * version (the header says so: no draft) runs that version by its id, so a 10,000-node graph
 * is not sent, decoded, normalized and hashed again to find it; an edited graph is sent (the
 * backend runs the version equal to it, saving it as a new version first when none is).
 */
export function runTarget(s: Pick<GraphState, "inputs" | "nodes" | "edges" | "dirty" | "baseVersionId">): { version_id: string } | { graph: Graph } {
  return !s.dirty && s.baseVersionId ? { version_id: s.baseVersionId } : { graph: graphOf(s) };
}

/** canonicalJSON is how two graphs are compared: as the canvas would write them. */
export function canonicalJSON(g: Graph): string {
  return JSON.stringify(flowToGraph(graphToFlow(g)));
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
  history: emptyHistory<Graph>(),
  dirty: false,
  saveStatus: "idle" as SaveStatus,
  saveError: null,
  editSeq: 0,
  baseJSON: "",
  problems: [],
  dragging: false,
  loadSeq: 0,
};

export const useGraph = create<GraphState>((set, get) => {
  /** restore puts a snapshot back, keeping measured sizes so nodes do not flicker. */
  const restore = (g: Graph) => {
    const s = get();
    const old = new Map(s.nodes.map((n) => [n.id, n]));
    const f = graphToFlow(g);
    return {
      inputs: f.inputs,
      nodes: f.nodes.map((n) => {
        const o = old.get(n.id);
        return o?.measured ? { ...n, measured: o.measured } : n;
      }),
      edges: f.edges,
    };
  };

  return {
    ...closed,

    load: (d) => {
      const baseId = d.draft ? d.draft_base_id || d.current.id : d.current.id;
      const base = d.versions.find((v) => v.id === baseId) ?? d.current;
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
        baseJSON: canonicalJSON(base.graph),
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
      const before = graphOf(s);
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
        history = record(history, graphOf(s), key);
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
        history: record(s.history, graphOf(s)),
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
      const r = undo(s.history, graphOf(s));
      if (!r) return;
      set({ ...restore(r.state), history: r.history, editSeq: s.editSeq + 1, dirty: true });
    },

    redo: () => {
      const s = get();
      const r = redo(s.history, graphOf(s));
      if (!r) return;
      set({ ...restore(r.state), history: r.history, editSeq: s.editSeq + 1, dirty: true });
    },

    markSaved: (baseVersionId) => set((s) => ({ baseVersionId, dirty: false, baseJSON: canonicalJSON(graphOf(s)) })),

    setBase: (baseVersionId) =>
      set((s) => ({ baseVersionId, baseJSON: canonicalJSON(s.versions.find((v) => v.id === baseVersionId)?.graph ?? graphOf(s)) })),

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
