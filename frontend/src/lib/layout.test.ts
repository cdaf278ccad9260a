import { describe, expect, it } from "vitest";
import { depths, layeredLayout } from "./layout";

describe("layered layout", () => {
  it("assigns longest-path depths", () => {
    const d = depths(["a", "b", "c", "d"], [
      { source: "a", target: "b" },
      { source: "b", target: "c" },
      { source: "a", target: "c" },
    ]);
    expect(Object.fromEntries(d)).toEqual({ a: 0, b: 1, c: 2, d: 0 });
  });

  it("survives a cycle", () => {
    const d = depths(["a", "b"], [{ source: "a", target: "b" }, { source: "b", target: "a" }]);
    expect(d.size).toBe(2);
  });

  it("places columns left to right and stacks a column without overlap", () => {
    const pos = layeredLayout(
      [{ id: "in" }, { id: "x", height: 100 }, { id: "y", height: 100 }, { id: "out" }],
      [
        { source: "in", target: "x" },
        { source: "in", target: "y" },
        { source: "x", target: "out" },
        { source: "y", target: "out" },
      ],
      { gapX: 80, gapY: 40, defaultWidth: 200 },
    );
    expect(pos.in.x).toBe(0);
    expect(pos.x.x).toBe(280);
    expect(pos.y.x).toBe(280);
    expect(pos.out.x).toBe(560);
    expect(Math.abs(pos.x.y - pos.y.y)).toBeGreaterThanOrEqual(140);
  });

  it("orders a column by its predecessors' rows", () => {
    const pos = layeredLayout(
      [{ id: "a" }, { id: "b" }, { id: "fromB" }, { id: "fromA" }],
      [
        { source: "a", target: "fromA" },
        { source: "b", target: "fromB" },
      ],
    );
    expect(pos.fromA.y).toBeLessThan(pos.fromB.y);
  });

  it("leaves children of a group where they are and treats their edges as the group's", () => {
    const pos = layeredLayout(
      [{ id: "src" }, { id: "loop" }, { id: "child", parentId: "loop" }, { id: "after" }],
      [
        { source: "src", target: "child" },
        { source: "loop", target: "after" },
      ],
    );
    expect(pos.child).toBeUndefined();
    expect(pos.loop.x).toBeGreaterThan(pos.src.x);
    expect(pos.after.x).toBeGreaterThan(pos.loop.x);
  });
});

describe("layout of unconnected parts", () => {
  it("sets unconnected nodes in a grid, not one tall column", async () => {
    const { layeredLayout } = await import("./layout");
    const nodes = Array.from({ length: 12 }, (_, i) => ({ id: `n${i}`, width: 220, height: 150 }));
    const pos = layeredLayout(nodes, []);
    const xs = new Set(Object.values(pos).map((p) => p.x));
    const ys = new Set(Object.values(pos).map((p) => p.y));
    expect(xs.size).toBeGreaterThanOrEqual(3);
    expect(ys.size).toBeLessThanOrEqual(4);
    // no two overlap
    const list = Object.values(pos);
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i];
        const b = list[j];
        expect(Math.abs(a.x - b.x) >= 220 || Math.abs(a.y - b.y) >= 150).toBe(true);
      }
  });
  it("keeps each connected part laid out in layers, parts side by side or below", async () => {
    const { layeredLayout, components } = await import("./layout");
    const nodes = [{ id: "a" }, { id: "b" }, { id: "c" }, { id: "lone" }];
    const edges = [{ source: "a", target: "b" }, { source: "b", target: "c" }];
    expect(components(nodes, edges)).toEqual([["a", "b", "c"], ["lone"]]);
    const pos = layeredLayout(nodes, edges, { gapX: 80, defaultWidth: 200 });
    expect([pos.a.x, pos.b.x, pos.c.x]).toEqual([0, 280, 560]);
    expect(pos.a.y).toBe(pos.b.y);
    expect(pos.lone.x >= 760 || pos.lone.y >= 120).toBe(true);
  });
});

describe("layout at scale", () => {
  it("lays out a chain of 10,000 nodes in columns", () => {
    const n = 10_000;
    const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}` }));
    const edges = nodes.slice(1).map((x, i) => ({ source: `n${i}`, target: x.id }));
    const d = depths(nodes.map((x) => x.id), edges);
    expect(d.get(`n${n - 1}`)).toBe(n - 1);
    const pos = layeredLayout(nodes, edges);
    expect(pos[`n${n - 1}`].x).toBeGreaterThan(pos[`n${n - 2}`].x);
  });

  it("gives a cycle the same depths as before (the walk stops where it came round)", () => {
    const d = depths(["a", "b", "c"], [
      { source: "a", target: "b" },
      { source: "b", target: "c" },
      { source: "c", target: "b" },
    ]);
    expect([d.get("a"), d.get("b"), d.get("c")]).toEqual([0, 2, 1]);
  });
});
