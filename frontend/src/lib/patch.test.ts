/// <reference types="node" />
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeEach, describe, expect, it } from "vitest";
import type { Graph, WorkflowDetail } from "../api/types";
import { testDetail, testVersion } from "./testworkflow";
import { draftPatch, graphOf, useGraph } from "../stores/graph";
import type { FbEdge, FbNode } from "./flowtypes";
import { fromFlowNode } from "./convert";
import { applyPatch, sameJSON, writesNode, type GraphPatch } from "./patch";

// The editor's patches of a base version, checked here against the whole graph the editor
// would send, and written to testdata/graphpatch/editor-patches.json for the Go test that
// applies them with engine.ApplyGraphPatch (TestEditorPatchesApply). UPDATE_FIXTURES=1 writes
// the file; otherwise it must hold what the cases make now.
const fixture = fileURLToPath(new URL("../../../testdata/graphpatch/editor-patches.json", import.meta.url));

const base: Graph = {
  inputs: [{ name: "name", type: "string", description: "", required: true }],
  nodes: [
    { id: "in", type: "flow.inputs", position: { x: 0, y: 0 } },
    { id: "t", type: "text.template", params: { template: "Hi {{name}}" }, position: { x: 300, y: 0 } },
    { id: "loop", type: "control.foreach", position: { x: 0, y: 300 } },
    { id: "body", type: "math.expr", params: { expression: "a + 1" }, position: { x: 20, y: 30 }, parentId: "loop" },
    { id: "m", type: "math.expr", params: { expression: "a * 2", n: 3 }, label: "Double", position: { x: 600, y: 0 } },
    // no position: laid out when opened, so the canvas writes it differently from the base
    { id: "free", type: "math.expr", params: { expression: "1" } },
    { id: "out", type: "io.output", params: { name: "result" }, position: { x: 900, y: 0.4 } },
  ],
  edges: [
    { source: "in", sourceHandle: "name", target: "t", targetHandle: "name" },
    { id: "named", source: "t", sourceHandle: "text", target: "m", targetHandle: "a" },
    { source: "m", sourceHandle: "result", target: "out", targetHandle: "value" },
    { source: "m", sourceHandle: "result", target: "body", targetHandle: "a" },
  ],
};

const v1 = testVersion(base);

const detail = (): WorkflowDetail => testDetail(v1);

const st = () => useGraph.getState();
const setParam = (id: string, key: string, value: unknown) =>
  st().edit((f) => ({
    ...f,
    nodes: f.nodes.map((n) => (n.id === id ? { ...n, data: { ...n.data, params: { ...n.data.params, [key]: value } } } : n)),
  }));
const newNode = (id: string, x: number): FbNode => ({ id, type: "fb", position: { x, y: 500 }, data: { type: "math.expr", params: { expression: "2" } } });
const newEdge = (source: string, target: string): FbEdge => ({ id: `${source}->${target}`, source, sourceHandle: "result", target, targetHandle: "a", data: {} });

/** The edits: each starts from the base version opened in the editor. */
const cases: [string, () => void][] = [
  ["open", () => {}],
  ["select", () => st().onNodesChange([{ type: "select", id: "m", selected: true }])],
  ["move", () => st().onNodesChange([{ type: "position", id: "m", position: { x: 640, y: 80 }, dragging: false }])],
  ["param", () => setParam("m", "expression", "a * 3")],
  ["label", () => st().edit((f) => ({ ...f, nodes: f.nodes.map((n) => (n.id === "t" ? { ...n, data: { ...n.data, label: "Greeting" } } : n)) }))],
  ["add", () => st().onNodesChange([{ type: "add", item: newNode("new1", 1200) }])],
  ["delete", () => st().edit((f) => ({ ...f, nodes: f.nodes.filter((n) => n.id !== "m"), edges: f.edges.filter((e) => e.source !== "m" && e.target !== "m") }))],
  ["connect", () => st().onEdgesChange([{ type: "add", item: newEdge("free", "out") }])],
  ["disconnect", () => st().onEdgesChange([{ type: "remove", id: st().edges[1].id }])],
  ["group", () =>
    // a node moved into the loop: placed after its group, before the group's other child
    st().edit((f) => {
      const m = { ...f.nodes.find((n) => n.id === "m")!, parentId: "loop", position: { x: 40, y: 200 } };
      const rest = f.nodes.filter((n) => n.id !== "m");
      const at = rest.findIndex((n) => n.id === "loop") + 1;
      return { ...f, nodes: [...rest.slice(0, at), m, ...rest.slice(at)] };
    })],
  ["reorder", () => st().edit((f) => ({ ...f, nodes: [...f.nodes].reverse(), edges: [...f.edges].reverse() }))],
  ["rename", () =>
    st().edit((f) => ({
      ...f,
      nodes: f.nodes.map((n) => (n.id === "m" ? { ...n, id: "double" } : n)),
      edges: f.edges.map((e) => ({ ...e, source: e.source === "m" ? "double" : e.source, target: e.target === "m" ? "double" : e.target })),
    }))],
  ["inputs", () => st().edit((f) => ({ ...f, inputs: [...f.inputs, { name: "n", type: "integer", description: "", required: false, default: 2 }] }))],
  ["several", () => {
    setParam("t", "template", "Hello {{name}}");
    st().onNodesChange([{ type: "add", item: newNode("new2", 1500) }]);
    st().onEdgesChange([{ type: "add", item: newEdge("new2", "out") }]);
    st().onNodesChange([{ type: "position", id: "in", position: { x: -100, y: 0 }, dragging: false }]);
  }],
  ["undo back to base", () => {
    setParam("m", "expression", "a * 5");
    st().onEdgesChange([{ type: "add", item: newEdge("free", "out") }]);
    st().edit((f) => ({ ...f, nodes: f.nodes.filter((n) => n.id !== "t") }));
    st().undo();
    st().undo();
    st().undo();
  }],
  ["undo then redo", () => {
    setParam("m", "expression", "a * 5");
    st().undo();
    st().redo();
  }],
];

describe("writesNode", () => {
  it("says what converting the node and comparing it says", () => {
    const n = (over: Partial<FbNode> = {}, data: Partial<FbNode["data"]> = {}): FbNode => ({
      id: "a", type: "fb", position: { x: 10.4, y: 180 }, data: { type: "math.expr", params: { expression: "1" }, ...data }, ...over,
    });
    const nodes = [
      n(), n({}, { params: {} }), n({}, { label: "L" }), n({}, { label: "" }), n({ parentId: "g" }), n({ position: { x: 10.6, y: -0.4 } }),
      n({}, { params: { expression: "1", k: undefined } }), n({ id: "b" }), n({}, { type: "math.other" }),
    ];
    const stored = [
      { id: "a", type: "math.expr", params: { expression: "1" }, position: { x: 10, y: 180 } },
      { id: "a", type: "math.expr", position: { x: 10, y: 180 } },
      { id: "a", type: "math.expr", params: {}, position: { x: 10, y: 180 } },
      { id: "a", type: "math.expr", label: "L", params: { expression: "1" }, position: { x: 10, y: 180 } },
      { id: "a", type: "math.expr", label: "", params: { expression: "1" }, position: { x: 10, y: 180 } },
      { id: "a", type: "math.expr", params: { expression: "1" }, position: { x: 10, y: 10 }, parentId: "g" },
      { id: "a", type: "math.expr", params: { expression: "1" }, position: { x: 11, y: 0 } },
      { id: "a", type: "math.expr", params: { expression: "1" } },
      { id: "a", type: "math.expr", params: { expression: "2" }, position: { x: 10, y: 180 } },
    ];
    let equal = 0;
    for (const fb of nodes) {
      for (const b of stored) {
        const want = sameJSON(fromFlowNode(fb), b);
        expect(writesNode(fb, b), `${JSON.stringify(fb)} ${JSON.stringify(b)}`).toBe(want);
        if (want) equal++;
      }
    }
    expect(equal).toBeGreaterThan(4);
  });
});

interface Fixture {
  base: Graph;
  cases: { name: string; patch: GraphPatch | null; graph: Graph }[];
}

describe("graph patches of the editor's edits", () => {
  beforeEach(() => st().close());

  const made: Fixture = { base, cases: [] };
  for (const [name, run] of cases) {
    it(`applied to the base, the patch of "${name}" is the graph the editor would send`, () => {
      st().load(detail());
      run();
      const whole = graphOf(st());
      const p = draftPatch(st());
      expect(p).not.toBeUndefined();
      const applied = p ? applyPatch(base, p) : base;
      expect(sameJSON(applied, whole)).toBe(true);
      made.cases.push({ name, patch: p ?? null, graph: whole });
    });
  }

  it("is empty back at the base, and small for one edit", () => {
    st().load(detail());
    // "free" was laid out on opening and "out" drawn at a whole pixel: the canvas writes both
    // differently from the base, and nothing else
    const g = graphOf(st());
    expect(draftPatch(st())).toEqual({ base_version_id: "v1", changed: [g.nodes[5], g.nodes[6]] });
    setParam("t", "template", "Yo");
    const p = draftPatch(st())!;
    expect(p.changed!.map((n) => n.id)).toEqual(["t", "free", "out"]);
    expect(p.added ?? p.removed ?? p.order ?? p.edges ?? p.inputs).toBeUndefined();
  });

  it("the fixture the Go test reads holds these patches", () => {
    const text = JSON.stringify(made, null, 1) + "\n";
    if (process.env.UPDATE_FIXTURES || !existsSync(fixture)) writeFileSync(fixture, text);
    expect(readFileSync(fixture, "utf8")).toBe(text);
  });
});
