import { describe, expect, it } from "vitest";
import { readableViewport, READABLE_ZOOM } from "./viewport";

describe("where the canvas opens", () => {
  it("a small graph is centred, never zoomed in past 1", () => {
    const v = readableViewport({ x: 0, y: 0, width: 220, height: 150 }, { width: 800, height: 600 });
    expect(v.zoom).toBe(1);
    expect(v.x).toBe((800 - 220) / 2);
  });
  it("a wide graph opens at a readable zoom from its start, not zoomed out to fit", () => {
    const v = readableViewport({ x: 0, y: 0, width: 1900, height: 500 }, { width: 730, height: 700 });
    expect(v.zoom).toBe(READABLE_ZOOM);
    expect(v.x).toBe(32); // the left edge of the graph, padded
    expect(v.y).toBeCloseTo((700 - 500 * READABLE_ZOOM) / 2);
  });
  it("a graph that fits at a readable zoom is shown whole", () => {
    const v = readableViewport({ x: 100, y: 0, width: 700, height: 400 }, { width: 730, height: 700 });
    expect(v.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
    expect(v.zoom).toBeLessThanOrEqual(1);
    expect(v.x + 100 * v.zoom).toBeGreaterThanOrEqual(0);
    expect(v.x + 800 * v.zoom).toBeLessThanOrEqual(730);
  });
});
