import { beforeEach, describe, expect, it } from "vitest";
import type { Version, WorkflowDetail } from "../api/types";
import { testDetail, testVersion } from "../lib/testworkflow";
import { draftPatch, graphOf, runTarget, selectedNodeId, useGraph } from "./graph";

const v1 = testVersion({
  inputs: [{ name: "name", type: "string", description: "", required: true }],
  nodes: [
    { id: "in", type: "flow.inputs", position: { x: 0, y: 0 } },
    { id: "t", type: "text.template", params: { template: "Hi {{a}}" }, position: { x: 300, y: 0 } },
  ],
  edges: [{ source: "in", sourceHandle: "name", target: "t", targetHandle: "a" }],
});

const detail = (over: Partial<WorkflowDetail> = {}): WorkflowDetail => testDetail(v1, over);

describe("graph store", () => {
  beforeEach(() => useGraph.getState().close());

  it("opens the current version clean, or the draft dirty", () => {
    useGraph.getState().load(detail());
    expect(useGraph.getState().dirty).toBe(false);
    expect(graphOf(useGraph.getState())).toEqual(v1.graph);
    const draft = { ...v1.graph, nodes: v1.graph.nodes.slice(0, 1), edges: [] };
    useGraph.getState().load(detail({ draft, draft_base_id: "v1" }));
    expect(useGraph.getState()).toMatchObject({ dirty: true, baseVersionId: "v1" });
    expect(graphOf(useGraph.getState()).nodes).toHaveLength(1);
  });

  it("lays out nodes that came without a position", () => {
    const g = { inputs: [], nodes: [{ id: "a", type: "x" }, { id: "b", type: "x" }], edges: [{ source: "a", sourceHandle: "o", target: "b", targetHandle: "i" }] };
    useGraph.getState().load(detail({ current: { ...v1, graph: g }, base: { ...v1, graph: g } }));
    const [a, b] = useGraph.getState().nodes;
    expect(b.position.x).toBeGreaterThan(a.position.x);
  });

  it("undoes and redoes edits and counts them for autosave", () => {
    const s = useGraph.getState();
    s.load(detail());
    s.edit((f) => ({ ...f, nodes: f.nodes.filter((n) => n.id !== "t"), edges: [] }));
    expect(useGraph.getState()).toMatchObject({ dirty: true, editSeq: 1 });
    expect(useGraph.getState().nodes).toHaveLength(1);
    useGraph.getState().undo();
    expect(graphOf(useGraph.getState())).toEqual(v1.graph);
    useGraph.getState().redo();
    expect(useGraph.getState().nodes).toHaveLength(1);
    expect(useGraph.getState().editSeq).toBe(3);
  });

  it("records one undo step per drag and none for selection", () => {
    const s = useGraph.getState();
    s.load(detail());
    s.onNodesChange([{ type: "select", id: "t", selected: true }]);
    expect(useGraph.getState().history.past).toHaveLength(0);
    expect(selectedNodeId(useGraph.getState())).toBe("t");
    for (const x of [310, 320, 330]) s.onNodesChange([{ type: "position", id: "t", position: { x, y: 0 }, dragging: true }]);
    expect(useGraph.getState().editSeq).toBe(0);
    s.onNodesChange([{ type: "position", id: "t", position: { x: 340, y: 0 }, dragging: false }]);
    const st = useGraph.getState();
    expect(st.history.past).toHaveLength(1);
    expect(st.editSeq).toBe(1);
    expect(st.nodes.find((n) => n.id === "t")!.position.x).toBe(340);
    st.undo();
    expect(useGraph.getState().nodes.find((n) => n.id === "t")!.position.x).toBe(300);
  });

  it("a drag of 2,000 selected of which React Flow held a few: every node moves, and one undo puts every node back", () => {
    const nodes = Array.from({ length: 2000 }, (_, i) => ({ id: `d${i}`, type: "util.delay", position: { x: 280 * (i % 50), y: 170 * Math.floor(i / 50) } }));
    const g = { inputs: [], nodes, edges: [] };
    const s = useGraph.getState();
    s.load(detail({ current: { ...v1, graph: g }, base: { ...v1, graph: g } }));
    // select all (the store's own: Ctrl+A), then React Flow drags the three it holds
    useGraph.setState((st) => ({ nodes: st.nodes.map((n) => ({ ...n, selected: true })) }));
    const held = ["d0", "d1", "d50"];
    const step = (dx: number, dragging: boolean) =>
      s.onNodesChange(held.map((id) => {
        const p = nodes.find((n) => n.id === id)!.position;
        return { type: "position" as const, id, position: { x: p.x + dx, y: p.y + dx / 2 }, dragging };
      }));
    for (const dx of [10, 20, 30]) step(dx, true);
    step(40, false);
    useGraph.getState().moveAlong(new Set(held), { x: 40, y: 20 });
    const st = useGraph.getState();
    expect(st.history.past).toHaveLength(1);
    expect(st.nodes.filter((n) => n.selected)).toHaveLength(2000);
    const byId = new Map(nodes.map((n) => [n.id, n.position]));
    expect(st.nodes.every((n) => n.position.x === byId.get(n.id)!.x + 40 && n.position.y === byId.get(n.id)!.y + 20)).toBe(true);
    // autosaved as moved
    expect(graphOf(st).nodes.find((n) => n.id === "d1999")!.position).toEqual({ x: 280 * 49 + 40, y: 170 * 39 + 20 });
    st.undo();
    expect(graphOf(useGraph.getState()).nodes).toEqual(nodes);
    useGraph.getState().redo();
    expect(useGraph.getState().nodes.every((n) => n.position.x === byId.get(n.id)!.x + 40)).toBe(true);
  });

  it("notices a graph back at its base version", () => {
    const s = useGraph.getState();
    s.load(detail());
    expect(draftPatch(useGraph.getState())).toBeNull();
    s.edit((f) => ({ ...f, inputs: [] }));
    expect(draftPatch(useGraph.getState())).toEqual({ base_version_id: "v1", inputs: [] });
    useGraph.getState().undo();
    expect(draftPatch(useGraph.getState())).toBeNull();
  });

  it("a run names the base version while the graph has no change from it, and sends its patch once edited", () => {
    const s = useGraph.getState();
    s.load(detail());
    expect(runTarget(useGraph.getState())).toEqual({ version_id: "v1" });
    s.edit((f) => ({ ...f, nodes: f.nodes.filter((n) => n.id !== "t"), edges: [] }));
    expect(runTarget(useGraph.getState())).toEqual({ patch: { base_version_id: "v1", removed: ["t"], edges: [{ from: 0, to: 0, edges: [] }] } });
    // undone, the graph is the version's again: its patch is empty, so the version runs
    useGraph.getState().undo();
    expect(runTarget(useGraph.getState())).toEqual({ version_id: "v1" });
    // a draft opened from its base is sent as its patch
    useGraph.getState().load(detail({ draft: { ...v1.graph, edges: [] }, draft_base_id: "v1" }));
    expect(runTarget(useGraph.getState())).toEqual({ patch: { base_version_id: "v1", edges: [{ from: 0, to: 0, edges: [] }] } });
    // a draft whose base version came without its graph is sent whole
    const bare = { ...v1, id: "v0", graph: { inputs: null, nodes: null, edges: null } } as unknown as Version;
    useGraph.getState().load(detail({ base: bare, draft: { ...v1.graph, edges: [] }, draft_base_id: "v0" }));
    expect(runTarget(useGraph.getState())).toEqual({ graph: graphOf(useGraph.getState()) });
    // with no base known (a version this window has not listed), the graph is sent whole
    useGraph.getState().setBase("v9");
    expect(runTarget(useGraph.getState())).toEqual({ graph: graphOf(useGraph.getState()) });
  });

  it("ignores problems for another workflow", () => {
    const s = useGraph.getState();
    s.load(detail());
    s.setProblems("other", [{ message: "x" }]);
    expect(useGraph.getState().problems).toEqual([]);
    s.setProblems("w", [{ node_id: "t", message: "bad" }]);
    expect(useGraph.getState().problems).toHaveLength(1);
  });
});
