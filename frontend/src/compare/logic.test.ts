import { describe, expect, it } from "vitest";
import { jsonDiff, nodeMarks, nodeRows, orderGrid, parseEdgeKey, sortRows, varyingInputs, type NodeDiff } from "./logic";
import { diffStats, lineDiff, lineDiffRanges, toParts } from "./textdiff";

const side = (status: string, ms: number) => ({ status, reasons: [], generation_id: "g", duration_ms: ms });

describe("node table", () => {
  const nodes: Record<string, NodeDiff> = {
    b: { a: side("executed", 5), b: side("executed", 9), same_output: true },
    a: { a: side("executed", 30), b: side("failed", 1), same_output: false },
    c: { a: null, b: side("executed", 2), same_output: false },
    d: { a: side("reused", 0), b: side("executed", 4), same_output: true },
  };
  it("shows only differences by default and sorts", () => {
    const rows = nodeRows(nodes);
    expect(sortRows(rows, "node", false, true).map((r) => r.id)).toEqual(["a", "c", "d"]);
    expect(sortRows(rows, "node", false, false).map((r) => r.id)).toEqual(["a", "b", "c", "d"]);
    expect(sortRows(rows, "a_duration", true, false).map((r) => r.id)).toEqual(["a", "b", "d", "c"]);
    expect(sortRows(rows, "b_status", false, false).map((r) => r.id)).toEqual(["b", "c", "d", "a"]);
    expect(sortRows(rows, "same", false, false).map((r) => r.id)).toEqual(["a", "c", "b", "d"]);
  });
  it("orders numbered node ids by their numbers", () => {
    const rows = nodeRows({ n10: nodes.b, n2: nodes.b, n1: nodes.b });
    expect(sortRows(rows, "node", false, false).map((r) => r.id)).toEqual(["n1", "n2", "n10"]);
    expect(sortRows(rows, "a_status", false, false).map((r) => r.id)).toEqual(["n1", "n2", "n10"]);
  });
});

describe("sweep grid order", () => {
  it("orders by the input that varies, numerically", () => {
    const runs = [
      { id: "r1", number: 1, inputs: { prompt: "fox", seed: 10 } },
      { id: "r2", number: 2, inputs: { prompt: "fox", seed: 2 } },
      { id: "r3", number: 3, inputs: { prompt: "fox", seed: 7 } },
    ];
    expect(varyingInputs(runs)).toEqual(["seed"]);
    const g = orderGrid(runs);
    expect(g.axis).toEqual(["seed"]);
    expect(g.runs.map((r) => r.id)).toEqual(["r2", "r3", "r1"]);
  });
  it("falls back to run number when nothing varies", () => {
    const runs = [
      { id: "b", number: 2, inputs: { x: 1 } },
      { id: "a", number: 1, inputs: { x: 1 } },
    ];
    expect(orderGrid(runs).runs.map((r) => r.id)).toEqual(["a", "b"]);
  });
});

describe("json structural diff", () => {
  it("lists changed, added and removed paths", () => {
    const d = jsonDiff({ a: 1, b: { c: [1, 2], d: "x" }, gone: true }, { a: 1, b: { c: [1, 3, 4], d: "x" }, "new key": null });
    expect(d).toEqual([
      { path: "$.b.c[1]", kind: "changed", a: 2, b: 3 },
      { path: "$.b.c[2]", kind: "added", b: 4 },
      { path: "$.gone", kind: "removed", a: true },
      { path: '$["new key"]', kind: "added", b: null },
    ]);
    expect(jsonDiff({ x: 1, y: 2 }, { y: 2, x: 1 })).toEqual([]);
  });
});

describe("graph marks and edges", () => {
  it("marks nodes and parses edge keys", () => {
    const m = nodeMarks({ nodes_added: ["n"], nodes_removed: ["o"], nodes_changed: { k: {} }, edges_added: [], edges_removed: [] }, ["o", "k", "s"], ["n", "k", "s"]);
    expect(m).toEqual({ o: "removed", k: "changed", s: "same", n: "added" });
    expect(parseEdgeKey("a.b.out->c.value")).toEqual({ source: "a.b", sourceHandle: "out", target: "c", targetHandle: "value" });
  });
});

describe("line diff", () => {
  it("counts added and removed lines", () => {
    const parts = lineDiff("one\ntwo\nthree\n", "one\n2\nthree\nfour\n");
    expect(diffStats(parts)).toEqual({ added: 2, removed: 1 });
  });
});

describe("line diff agrees with jsdiff", () => {
  it("rebuilds both texts and matches diffLines' counts on random edits", async () => {
    const { diffLines } = await import("diff");
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let round = 0; round < 30; round++) {
      const base = Array.from({ length: 60 }, (_, i) => `l${i % (round % 3 === 0 ? 7 : 1000)}-${i}`);
      const a = base.filter(() => rnd() > 0.1).join("\n");
      const b = base.map((l) => (rnd() < 0.1 ? l + "x" : l)).filter(() => rnd() > 0.1).join("\n");
      const parts = lineDiff(a, b);
      expect(parts.filter((p) => !p.added).map((p) => p.value).join("")).toBe(a);
      expect(parts.filter((p) => !p.removed).map((p) => p.value).join("")).toBe(b);
      const ref = diffLines(a, b);
      const count = (ps: { added?: boolean; removed?: boolean; value: string }[]) =>
        ps.filter((p) => !p.added && !p.removed).reduce((n, p) => n + p.value.split("\n").filter((x, i, arr) => i < arr.length - 1 || x !== "").length, 0);
      // patience anchoring may keep fewer equal lines than the minimal diff, never more
      expect(count(parts)).toBeLessThanOrEqual(count(ref));
      expect(count(parts)).toBeGreaterThanOrEqual(count(ref) * 0.8);
    }
  });
});

describe("line diff as ranges (what the worker sends)", () => {
  it("gives slices of the two texts that rebuild both", () => {
    const a = "keep\nold one\nsame\nlast";
    const b = "keep\nnew one\nsame\nlast\n";
    const r = lineDiffRanges(a, b);
    expect(r.length % 4).toBe(0);
    const parts = toParts(a, b, r);
    expect(parts.filter((p) => !p.added).map((p) => p.value).join("")).toBe(a);
    expect(parts.filter((p) => !p.removed).map((p) => p.value).join("")).toBe(b);
    expect(parts).toEqual(lineDiff(a, b));
    // "last" without its newline and "last\n" are different lines
    expect(parts[parts.length - 1]).toEqual({ value: "last\n", added: true, removed: false });
    expect(toParts("", "", lineDiffRanges("", ""))).toEqual([]);
  });
});
