import { describe, expect, it } from "vitest";
import type { Graph } from "../api/types";
import branching from "../examples/branching.json";
import imagePipeline from "../examples/image-pipeline.json";
import jsonMath from "../examples/json-math.json";
import textPipeline from "../examples/text-pipeline.json";
import { edgeKey, flowToGraph, fromFlowEdge, fromFlowNode, graphToFlow, missingPositions, toFlowEdge, toFlowNode } from "./convert";

const graphOf = (f: { inputs: unknown[]; nodes: unknown[]; edges: unknown[] }): Graph =>
  ({ inputs: f.inputs, nodes: f.nodes, edges: f.edges }) as Graph;

describe("graph ↔ React Flow converters", () => {
  it.each([
    ["text-pipeline", textPipeline],
    ["branching", branching],
    ["json-math", jsonMath],
    ["image-pipeline", imagePipeline],
  ])("round-trips %s unchanged", (_name, file) => {
    const g = graphOf(file);
    expect(flowToGraph(graphToFlow(g))).toEqual(g);
  });

  it("keeps label, params, parent and explicit edge ids", () => {
    const g: Graph = {
      inputs: [{ name: "items", type: "array", description: "", required: true }],
      nodes: [
        { id: "loop", type: "control.foreach", position: { x: 0, y: 0 } },
        { id: "body", type: "text.template", label: "Body", params: { template: "{{a}}!" }, position: { x: 10, y: 20 }, parentId: "loop" },
      ],
      edges: [{ id: "e1", source: "loop", sourceHandle: "item", target: "body", targetHandle: "a" }],
    };
    expect(flowToGraph(graphToFlow(g))).toEqual(g);
  });

  it("puts a group before its children for React Flow", () => {
    const g = {
      inputs: [],
      nodes: [
        { id: "child", type: "text.template", parentId: "loop", position: { x: 1, y: 1 } },
        { id: "loop", type: "control.map", position: { x: 0, y: 0 } },
      ],
      edges: [],
    } as Graph;
    expect(graphToFlow(g).nodes.map((n) => n.id)).toEqual(["loop", "child"]);
  });

  it("gives file edges without id a stable canvas id and writes none back", () => {
    const e = { source: "a", sourceHandle: "text", target: "b", targetHandle: "value" };
    const fe = toFlowEdge(e);
    expect(fe.id).toBe(edgeKey(e));
    expect(fromFlowEdge(fe)).toEqual(e);
  });

  it("drops empty params and rounds dragged positions", () => {
    const n = toFlowNode({ id: "x", type: "image.grayscale", params: {}, position: { x: 1, y: 2 } });
    n.position = { x: 10.4, y: 20.6 };
    expect(fromFlowNode(n)).toEqual({ id: "x", type: "image.grayscale", position: { x: 10, y: 21 } });
  });

  it("lists nodes without a position", () => {
    expect(missingPositions({ inputs: [], nodes: [{ id: "a", type: "t" }, { id: "b", type: "t", position: { x: 0, y: 0 } }], edges: [] })).toEqual(["a"]);
  });
});
