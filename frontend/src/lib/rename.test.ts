import { describe, expect, it } from "vitest";
import type { Graph, NodeType } from "../api/types";
import { renameInput, rewriteInputsMember, rewriteTemplateRefs } from "./rename";

const t = (type: string, params: [string, string][], extra: Partial<NodeType> = {}): NodeType => ({
  type, version: 1, group: "x", title: type, description: "", inputs: [], outputs: [],
  params: params.map(([name, kind]) => ({ name, kind })), deterministic: true, ...extra,
});
const types: Record<string, NodeType> = {
  "flow.inputs": t("flow.inputs", [], { dynamic_outputs: true }),
  "text.template": t("text.template", [["template", "text"]]),
  "math.expr": t("math.expr", [["expression", "expression"]]),
  "code.js": t("code.js", [["code", "code"]]),
  "json.get": t("json.get", [["path", "string"]]),
  "http.request": t("http.request", [["headers", "json"]]),
};

describe("template reference rewriting", () => {
  it("rewrites both forms, with spaces, and nothing else", () => {
    expect(rewriteTemplateRefs("{{seed}} {{ inputs.seed }} {{seeds}} {{x.seed}}", "seed", "n")).toBe("{{n}} {{ inputs.n }} {{seeds}} {{x.seed}}");
  });
  it("rewrites inputs.member forms", () => {
    expect(rewriteInputsMember(`inputs.rate + inputs.rates + inputs["rate"] + x.rate`, "rate", "tax")).toBe(
      `inputs.tax + inputs.rates + inputs["tax"] + x.rate`,
    );
  });
});

describe("renameInput", () => {
  const g: Graph = {
    inputs: [{ name: "rate", type: "number", description: "", required: false }, { name: "a", type: "string", description: "", required: false }],
    nodes: [
      { id: "in", type: "flow.inputs" },
      { id: "tpl", type: "text.template", params: { template: "{{a}} at {{rate}} and {{inputs.rate}}" } },
      { id: "expr", type: "math.expr", params: { expression: "a * (1 + inputs.rate)" } },
      { id: "js", type: "code.js", params: { code: "return inputs.rate * 2; // {{rate}} stays" } },
      { id: "get", type: "json.get", params: { path: "items.{{rate}}" } },
      { id: "http", type: "http.request", params: { headers: { "X-Rate": "{{rate}}" } } },
    ],
    edges: [
      { source: "in", sourceHandle: "rate", target: "expr", targetHandle: "a" },
      { source: "in", sourceHandle: "a", target: "tpl", targetHandle: "a" },
    ],
  };

  it("rewrites params, nested JSON, expressions, code members and edges", () => {
    const r = renameInput(g, types, "rate", "tax");
    const p = Object.fromEntries(r.graph.nodes.map((n) => [n.id, n.params]));
    expect(r.graph.inputs.map((i) => i.name)).toEqual(["tax", "a"]);
    expect(p.tpl?.template).toBe("{{a}} at {{tax}} and {{inputs.tax}}");
    expect(p.expr?.expression).toBe("a * (1 + inputs.tax)");
    expect(p.js?.code).toBe("return inputs.tax * 2; // {{rate}} stays");
    expect(p.get?.path).toBe("items.{{tax}}");
    expect(p.http?.headers).toEqual({ "X-Rate": "{{tax}}" });
    expect(r.graph.edges[0].sourceHandle).toBe("tax");
    expect(r.graph.edges[1].sourceHandle).toBe("a");
    expect(r.changed).toBe(6);
    expect(r.warnings).toEqual([]);
  });

  it("leaves a template's own handle names alone", () => {
    const r = renameInput(g, types, "a", "who");
    const tpl = r.graph.nodes.find((n) => n.id === "tpl")!;
    expect(tpl.params?.template).toBe("{{a}} at {{rate}} and {{inputs.rate}}");
    expect(r.graph.edges[1].sourceHandle).toBe("who");
  });

  it("warns when the new name would be read as a template handle", () => {
    const r = renameInput(g, types, "rate", "b");
    expect(r.warnings.join()).toMatch(/tpl.*own input handle b/);
  });

  it("warns when code may still use the old name", () => {
    const g2: Graph = { ...g, nodes: [{ id: "js", type: "code.js", params: { code: "const { rate } = inputs; return rate;" } }] };
    expect(renameInput(g2, types, "rate", "tax").warnings.join()).toMatch(/js.*check its code/);
  });
});
