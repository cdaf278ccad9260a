import { describe, expect, it } from "vitest";
import type { NodeType } from "../api/types";
import { defaultParams, formatParam, isExactRef, paramSummary, paramValue, parseParam } from "./params";

describe("param field parsing", () => {
  it.each([
    ["integer", "12", { ok: true, value: 12 }],
    ["integer", "", { ok: true, value: undefined }],
    ["integer", "{{seed}}", { ok: true, value: "{{seed}}" }],
    ["number", "0.5", { ok: true, value: 0.5 }],
    ["json", '{"a": [1]}', { ok: true, value: { a: [1] } }],
    ["strings", "a\n\n b \n", { ok: true, value: ["a", "b"] }],
    ["string", "", { ok: true, value: undefined }],
    ["text", "line1\nline2", { ok: true, value: "line1\nline2" }],
    ["boolean", "true", { ok: true, value: true }],
  ])("%s %j", (kind, text, want) => {
    expect(parseParam(kind, text)).toEqual(want);
  });

  it.each([
    ["integer", "1.5", /whole number/],
    ["number", "abc", /number/],
    ["json", "{bad", /^not valid JSON: unexpected "b" at line 1, column 2$/],
  ])("refuses %s %j", (kind, text, re) => {
    const r = parseParam(kind, text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(re);
  });

  it("formats values for fields", () => {
    expect(formatParam("json", { a: 1 })).toBe('{\n  "a": 1\n}');
    expect(formatParam("strings", ["a", "b"])).toBe("a\nb");
    expect(formatParam("integer", 3)).toBe("3");
    expect(formatParam("string", undefined)).toBe("");
  });

  it("recognises an exact {{input}} reference", () => {
    expect(isExactRef(" {{ inputs.seed }} ")).toBe(true);
    expect(isExactRef("a {{seed}}")).toBe(false);
  });
});

const tpl: NodeType = {
  type: "image.noise", version: 1, group: "media", title: "Noise", description: "", inputs: [], outputs: [], deterministic: true,
  params: [
    { name: "width", kind: "integer", default: 512 },
    { name: "seed", kind: "integer" },
    { name: "scale", kind: "number", default: 32, label: "Scale" },
  ],
};

describe("node params", () => {
  it("starts a node with the declared defaults", () => {
    expect(defaultParams(tpl)).toEqual({ width: 512, scale: 32 });
  });
  it("reads a param or its default", () => {
    expect(paramValue(tpl.params[0], {})).toBe(512);
    expect(paramValue(tpl.params[0], { width: 64 })).toBe(64);
  });
  it("summarises set params with labels, shortened", () => {
    expect(paramSummary(tpl, { width: 64, scale: 2, seed: "{{seed}}" })).toEqual([
      { name: "width", text: "64" },
      { name: "seed", text: "{{seed}}" },
      { name: "Scale", text: "2" },
    ]);
    expect(paramSummary(tpl, { width: 1, seed: 2, scale: 3 }, 2)).toHaveLength(2);
    expect(paramSummary(undefined, { note: "x".repeat(80) })[0].text).toHaveLength(48);
  });
});
