import { describe, expect, it } from "vitest";
import type { GraphEdge, GraphNode } from "../api/types";
import { copyNodes, pasteClip } from "./clipboard";
import { baseIdFor, isValidNodeId, uniqueId } from "./ids";

const nodes: GraphNode[] = [
  { id: "in", type: "flow.inputs", position: { x: 0, y: 0 } },
  { id: "template", type: "text.template", params: { template: "{{a}}" }, position: { x: 200, y: 0 } },
  { id: "out", type: "io.output", position: { x: 400, y: 0 } },
  { id: "loop", type: "control.foreach", position: { x: 0, y: 300 } },
  { id: "body", type: "text.template", parentId: "loop", position: { x: 10, y: 40 } },
];
const edges: GraphEdge[] = [
  { source: "in", sourceHandle: "name", target: "template", targetHandle: "a" },
  { source: "template", sourceHandle: "text", target: "out", targetHandle: "value" },
  { source: "loop", sourceHandle: "item", target: "body", targetHandle: "a" },
];

describe("copy and paste", () => {
  it("copies the chosen nodes with the edges between them only", () => {
    const clip = copyNodes(nodes, edges, new Set(["template", "out"]));
    expect(clip.nodes.map((n) => n.id)).toEqual(["template", "out"]);
    expect(clip.edges).toEqual([{ source: "template", sourceHandle: "text", target: "out", targetHandle: "value", id: undefined }]);
  });

  it("takes a group's children along", () => {
    expect(copyNodes(nodes, edges, new Set(["loop"])).nodes.map((n) => n.id)).toEqual(["loop", "body"]);
  });

  it("pastes with fresh ids, remapped edges and an offset", () => {
    const clip = copyNodes(nodes, edges, new Set(["template", "out", "loop"]));
    const p = pasteClip(clip, new Set(nodes.map((n) => n.id)));
    expect(p.nodes.map((n) => n.id)).toEqual(["template_2", "out_2", "loop_2", "body_2"]);
    expect(p.edges).toEqual([
      { source: "template_2", sourceHandle: "text", target: "out_2", targetHandle: "value" },
      { source: "loop_2", sourceHandle: "item", target: "body_2", targetHandle: "a" },
    ]);
    expect(p.nodes[0].position).toEqual({ x: 240, y: 40 });
    expect(p.nodes[3]).toMatchObject({ parentId: "loop_2", position: { x: 10, y: 40 } });
    expect(p.nodes[0].params).toEqual({ template: "{{a}}" });
    expect(p.nodes[0].params).not.toBe(nodes[1].params);
  });
});

describe("node ids", () => {
  it("derives readable stems", () => {
    expect(baseIdFor("text.template")).toBe("template");
    expect(baseIdFor("flow.inputs")).toBe("in");
    expect(baseIdFor("io.output")).toBe("out");
  });
  it("finds a free id", () => {
    expect(uniqueId("out", new Set())).toBe("out");
    expect(uniqueId("out", new Set(["out", "out_2"]))).toBe("out_3");
    expect(uniqueId("out_2", new Set(["out_2"]))).toBe("out_3");
  });
  it("accepts only ids the backend accepts", () => {
    expect(isValidNodeId("template_2")).toBe(true);
    expect(isValidNodeId("has space")).toBe(false);
  });
});
