import { describe, expect, it } from "vitest";
import { NODE_H, NODE_W, edgeIn, edgePath, inView, startView, viewRect, type Box } from "./viewport";

describe("large diff canvas: what is in view", () => {
  // one node at the left fanning out to a 10 × 10 grid of nodes 300 apart
  const hub: Box = { id: "hub", x: 0, y: 0 };
  const grid: Box[] = [];
  for (let r = 0; r < 10; r++) for (let c = 0; c < 10; c++) grid.push({ id: `n${r}-${c}`, x: 500 + c * 300, y: r * 300 });
  const boxes = [hub, ...grid];
  const edges = grid.map((b) => ({ source: "hub", target: b.id }));

  it("keeps the nodes in view and the edges crossing it, not the rest", () => {
    // the view shows the grid's bottom right corner only
    const r = { x: 2900, y: 2600, width: 700, height: 500 };
    const { ids, edges: es } = inView(boxes, edges, r);
    expect([...ids].sort()).toEqual(["n9-8", "n9-9"]);
    // edges into those two cross the view; the hub's edges to the top rows do not
    expect(es.map((e) => e.target).sort()).toContain("n9-9");
    expect(es.map((e) => e.target)).not.toContain("n0-0");
    expect(es.length).toBeLessThan(10);
  });

  it("draws an edge that only passes through the view", () => {
    const s: Box = { id: "s", x: 0, y: 0 };
    const t: Box = { id: "t", x: 2000, y: 0 };
    expect(edgeIn(s, t, { x: 900, y: -50, width: 100, height: 200 })).toBe(true);
    expect(edgeIn(s, t, { x: 900, y: 500, width: 100, height: 100 })).toBe(false);
    expect(inView([s, t], [{ source: "s", target: "t" }], { x: 900, y: -50, width: 100, height: 200 }).ids.size).toBe(0);
  });

  it("follows React Flow's bezier: a backward edge bends out and back", () => {
    const s: Box = { id: "s", x: 1000, y: 0 };
    const t: Box = { id: "t", x: 0, y: 400 };
    const p = edgePath(s, t);
    expect(p.startsWith(`M${1000 + NODE_W},${NODE_H / 2} C`)).toBe(true);
    // the curve runs right of its start before it turns back
    expect(edgeIn(s, t, { x: 1000 + NODE_W + 5, y: 0, width: 40, height: 400 })).toBe(true);
  });

  it("opens on what changed, else readable on the first nodes", () => {
    const onChanged = startView(boxes, ["n5-5"], 800, 400);
    const seen = viewRect(onChanged, 800, 400, 0);
    const b = grid.find((g) => g.id === "n5-5")!;
    expect(seen.x <= b.x && seen.x + seen.width >= b.x + NODE_W).toBe(true);
    const first = startView(boxes, [], 800, 400);
    expect(first.zoom).toBeGreaterThanOrEqual(0.5);
    const r = viewRect(first, 800, 400, 0);
    expect(r.x <= 0 && r.x + r.width >= NODE_W).toBe(true);
    expect(inView(boxes, edges, viewRect(first, 800, 400)).ids.size).toBeLessThan(boxes.length / 3);
  });
});
