import { describe, expect, it } from "vitest";
import { layeredLayout } from "./layout";
import { layoutAsync } from "./layoutAsync";

describe("layoutAsync", () => {
  it("gives the layered layout's positions (here without a worker: on this thread)", async () => {
    const nodes = Array.from({ length: 2000 }, (_, i) => ({ id: `n${i}`, width: 220, height: 120 }));
    const edges = nodes.slice(1).map((x, i) => ({ source: `n${Math.floor(i / 2)}`, target: x.id, sourceHandle: "value" }));
    expect(await layoutAsync(nodes, edges)).toEqual(layeredLayout(nodes, edges));
  });
});
