import { describe, expect, it } from "vitest";
import type { FlowGraph } from "./flowtypes";
import { graphToFlow } from "./convert";
import { connect, freeSpot, patchNode, removeNodes, removeSelected, selectOnly } from "./graphops";

const base = (): FlowGraph =>
  graphToFlow({
    inputs: [],
    nodes: [
      { id: "a", type: "text.template", params: { template: "x" } },
      { id: "b", type: "text.template" },
      { id: "c", type: "io.output" },
      { id: "loop", type: "control.map" },
      { id: "kid", type: "text.template", parentId: "loop" },
    ],
    edges: [
      { source: "a", sourceHandle: "text", target: "c", targetHandle: "value" },
      { source: "loop", sourceHandle: "item", target: "kid", targetHandle: "a" },
    ],
  });

describe("graph edits", () => {
  it("replaces the edge already on an input handle", () => {
    const f = connect(base(), { source: "b", sourceHandle: "text", target: "c", targetHandle: "value" });
    const into = f.edges.filter((e) => e.target === "c");
    expect(into).toHaveLength(1);
    expect(into[0].source).toBe("b");
  });

  it("removes nodes with their edges and a group's children", () => {
    const f = removeNodes(base(), new Set(["loop", "a"]));
    expect(f.nodes.map((n) => n.id)).toEqual(["b", "c"]);
    expect(f.edges).toEqual([]);
  });

  it("removes the selection, nodes and edges", () => {
    let f = selectOnly(base(), new Set(["b"]));
    f = { ...f, edges: f.edges.map((e) => (e.target === "kid" ? { ...e, selected: true } : e)) };
    const g = removeSelected(f);
    expect(g.nodes.map((n) => n.id)).toEqual(["a", "c", "loop", "kid"]);
    expect(g.edges.map((e) => e.target)).toEqual(["c"]);
  });

  it("patches label and params, removing undefined params", () => {
    const f = patchNode(base(), "a", { label: "Greeting", params: { template: undefined, extra: 1 } });
    expect(f.nodes[0].data).toEqual({ type: "text.template", label: "Greeting", params: { extra: 1 } });
    expect(patchNode(f, "a", { label: " " }).nodes[0].data.label).toBeUndefined();
  });
});

describe("freeSpot", () => {
  it("keeps a free position and moves below nodes it would cover", () => {
    const f = base();
    const nodes = f.nodes.map((n, i) => ({ ...n, position: { x: 0, y: i * 1000 }, measured: { width: 200, height: 100 } }));
    expect(freeSpot(nodes, { x: 500, y: 0 })).toEqual({ x: 500, y: 0 });
    const p = freeSpot(nodes, { x: 50, y: 20 });
    expect(p.x).toBe(50);
    expect(p.y).toBeGreaterThanOrEqual(100);
  });
});
