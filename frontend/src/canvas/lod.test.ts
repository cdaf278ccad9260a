import { describe, expect, it } from "vitest";
import { FAR_ZOOM, MAX_CHUNK, MIN_CHUNK, MIN_ZOOM_FLOOR, NEAR_ZOOM, NODE_H, NODE_W, detailAt, fitViewport, graphBounds, minZoomFor, nextChunk } from "./lod";

/** grid is n nodes 50 to a row, as scripts/bench-ui.sh generates them. */
function grid(n: number) {
  return Array.from({ length: n }, (_, i) => ({ position: { x: 280 * (i % 50), y: 170 * Math.floor(i / 50) } }));
}

describe("level of detail", () => {
  it("draws nodes in full when zoomed in and simply when zoomed far out", () => {
    expect(detailAt(1)).toBe("full");
    expect(detailAt(NEAR_ZOOM)).toBe("full");
    expect(detailAt(FAR_ZOOM - 0.01)).toBe("far");
    expect(detailAt(0.02, "full")).toBe("far");
  });

  it("keeps the current drawing between the two thresholds, so a zoom resting there does not flicker", () => {
    const between = (FAR_ZOOM + NEAR_ZOOM) / 2;
    expect(detailAt(between, "far")).toBe("far");
    expect(detailAt(between, "full")).toBe("full");
  });
});

describe("zoom limits and the opening viewport", () => {
  const pane = { width: 900, height: 640 };

  it("lets fit view show 10,000 nodes whole", () => {
    const b = graphBounds(grid(10_000))!;
    const min = minZoomFor(b, pane);
    const vp = fitViewport(b, pane, min, 1);
    // the whole graph is inside the pane at the fitted zoom (the old limit, 0.2, was not enough)
    expect(b.width * vp.zoom).toBeLessThanOrEqual(pane.width);
    expect(b.height * vp.zoom).toBeLessThanOrEqual(pane.height);
    expect(vp.zoom).toBeGreaterThan(min);
    expect(vp.zoom).toBeLessThan(0.2);
    // and centred
    expect(vp.x + (b.x + b.width / 2) * vp.zoom).toBeCloseTo(pane.width / 2);
    expect(vp.y + (b.y + b.height / 2) * vp.zoom).toBeCloseTo(pane.height / 2);
  });

  it("keeps the usual limit for a small graph, and never zooms a small graph in past 1", () => {
    const b = graphBounds(grid(2))!;
    expect(minZoomFor(b, pane)).toBe(MIN_ZOOM_FLOOR);
    expect(fitViewport(b, pane, MIN_ZOOM_FLOOR, 1).zoom).toBe(1);
    expect(minZoomFor(null, pane)).toBe(MIN_ZOOM_FLOOR);
  });

  it("measures a graph by its top-level nodes, measured sizes first", () => {
    const b = graphBounds([
      { position: { x: 10, y: 20 } },
      { position: { x: 300, y: 100 }, measured: { width: 100, height: 50 } },
      { position: { x: 5000, y: 5000 }, parentId: "g" },
    ]);
    expect(b).toEqual({ x: 10, y: 20, width: 390, height: Math.max(20 + NODE_H, 150) - 20 });
    expect(graphBounds([])).toBeNull();
    expect(NODE_W).toBe(220);
  });
});

describe("drawing a large graph in chunks", () => {
  it("grows chunks while frames are quick and shrinks them after a slow one, within bounds", () => {
    expect(nextChunk(400, 40)).toBe(800);
    expect(nextChunk(400, 120)).toBe(400);
    expect(nextChunk(800, 400)).toBe(400);
    expect(nextChunk(400, 400)).toBe(MIN_CHUNK);
    expect(nextChunk(MIN_CHUNK, 1000)).toBe(MIN_CHUNK);
    expect(nextChunk(MAX_CHUNK, 1)).toBe(MAX_CHUNK);
  });
});
