import { describe, expect, it } from "vitest";
import type { NodeType } from "../api/types";
import { checkConnection, compatible, outputHandles, wouldCycle } from "./compat";

describe("compatible mirrors engine.Compatible", () => {
  it.each([
    ["string", "string", true],
    ["any", "image", true],
    ["image", "any", true],
    ["", "string", true],
    ["integer", "number", true],
    ["number", "integer", true],
    ["number", "string", true],
    ["integer", "string", true],
    ["boolean", "string", true],
    ["image", "file", true],
    ["audio", "file", true],
    ["string", "image", false],
    ["string", "number", false],
    ["array", "string", false],
    ["object", "array", false],
    ["file", "image", false],
    ["string", "boolean", false],
  ])("%s → %s is %s", (out, inp, want) => {
    expect(compatible(out, inp)).toBe(want);
  });
});

const types: Record<string, NodeType> = {
  "flow.inputs": { type: "flow.inputs", version: 1, group: "flow", title: "Flow inputs", description: "", inputs: [], outputs: [], params: [], deterministic: true, dynamic_outputs: true },
  "text.template": {
    type: "text.template", version: 1, group: "text", title: "Template", description: "",
    inputs: ["a", "b"].map((name) => ({ name, type: "any" })), outputs: [{ name: "text", type: "string" }], params: [], deterministic: true,
  },
  "image.blur": {
    type: "image.blur", version: 1, group: "media", title: "Blur", description: "",
    inputs: [{ name: "image", type: "image" }], outputs: [{ name: "image", type: "image" }], params: [], deterministic: true,
  },
  "control.foreach": {
    type: "control.foreach", version: 1, group: "control", title: "For each", description: "",
    inputs: [{ name: "items", type: "array" }, { name: "result", type: "any" }],
    outputs: [{ name: "results", type: "array" }, { name: "item", type: "any" }], params: [], deterministic: true, container: true,
  },
};
const inputs = [{ name: "name", type: "string", description: "", required: true }];

describe("checkConnection", () => {
  const g = {
    nodes: [
      { id: "in", type: "flow.inputs" },
      { id: "t1", type: "text.template" },
      { id: "t2", type: "text.template" },
      { id: "blur", type: "image.blur" },
    ],
    edges: [{ source: "t1", sourceHandle: "text", target: "t2", targetHandle: "a" }],
  };

  it("accepts a compatible connection", () => {
    expect(checkConnection({ source: "in", sourceHandle: "name", target: "t1", targetHandle: "a" }, g, types, inputs)).toEqual({ ok: true });
  });

  it("refuses incompatible types and says which", () => {
    const v = checkConnection({ source: "in", sourceHandle: "name", target: "blur", targetHandle: "image" }, g, types, inputs);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toMatch(/in\.name gives string, blur\.image accepts image/);
  });

  it("refuses a cycle", () => {
    const v = checkConnection({ source: "t2", sourceHandle: "text", target: "t1", targetHandle: "a" }, g, types, inputs);
    expect(!v.ok && v.reason).toMatch(/cycle/);
  });

  it("refuses a self connection and unknown handles", () => {
    expect(checkConnection({ source: "t1", sourceHandle: "text", target: "t1", targetHandle: "b" }, g, types, inputs).ok).toBe(false);
    expect(checkConnection({ source: "in", sourceHandle: "nope", target: "t1", targetHandle: "a" }, g, types, inputs).ok).toBe(false);
  });

  it("gives flow.inputs one output per declared input", () => {
    expect(outputHandles(types["flow.inputs"], inputs)).toEqual([{ name: "name", type: "string", description: "" }]);
  });
});

describe("wouldCycle", () => {
  it("finds a path back through several nodes", () => {
    const g = { nodes: [], edges: [{ source: "a", target: "b" }, { source: "b", target: "c" }] };
    expect(wouldCycle(g, "c", "a")).toBe(true);
    expect(wouldCycle(g, "a", "c")).toBe(false);
  });

  it("ignores the edge a new one would replace on the same input", () => {
    const g = { nodes: [], edges: [{ source: "b", target: "a", targetHandle: "x" }] };
    expect(wouldCycle(g, "a", "b")).toBe(true);
    expect(wouldCycle({ nodes: [], edges: [{ source: "a", target: "b", targetHandle: "x" }] }, "b", "a", "y")).toBe(true);
    expect(wouldCycle({ nodes: [], edges: [{ source: "b", target: "a", targetHandle: "x" }] }, "a", "b", "z")).toBe(true);
  });

  it("does not count a loop group's edges with its own children", () => {
    const g = {
      nodes: [{ id: "loop", type: "control.foreach" }, { id: "body", type: "text.template", parentId: "loop" }],
      edges: [{ source: "loop", target: "body" }],
    };
    expect(wouldCycle(g, "body", "loop")).toBe(false);
  });
});

describe("checkConnection with a subworkflow node's own handles", () => {
  const g = {
    nodes: [
      { id: "a", type: "t.src" },
      { id: "sub", type: "flow.subworkflow", params: { workflow: "w", version: "v" } },
    ],
    edges: [],
  };
  const types = {
    "t.src": { type: "t.src", outputs: [{ name: "out", type: "string" }], inputs: [] },
    "flow.subworkflow": { type: "flow.subworkflow", subflow: true, inputs: [], outputs: [] },
  } as unknown as Record<string, NodeType>;
  const handles = (n: { type: string }) =>
    n.type === "flow.subworkflow" ? { inputs: [{ name: "x", type: "integer" }, { name: "t", type: "string" }], outputs: [] } : undefined;
  it("takes the pinned version's inputs, typed", () => {
    expect(checkConnection({ source: "a", sourceHandle: "out", target: "sub", targetHandle: "t" }, g, types, [], handles)).toEqual({ ok: true });
    const bad = checkConnection({ source: "a", sourceHandle: "out", target: "sub", targetHandle: "x" }, g, types, [], handles);
    expect(bad.ok).toBe(false);
    expect(checkConnection({ source: "a", sourceHandle: "out", target: "sub", targetHandle: "nope" }, g, types, [], handles).ok).toBe(false);
  });
});
