import { describe, expect, it } from "vitest";
import type { Graph } from "../api/types";
import { flowToGraph, graphToFlow } from "./convert";
import { BODY_PAD, BODY_TOP, FRAME_MIN, frameSize, reparent } from "./groups";

const g: Graph = {
  inputs: [],
  nodes: [
    { id: "loop", type: "control.map", position: { x: 100, y: 50 } },
    { id: "sq", type: "math.expr", parentId: "loop", position: { x: 40, y: 20 } },
    { id: "out", type: "io.output", position: { x: 600, y: 50 } },
  ],
  edges: [],
};

describe("loop groups on the canvas", () => {
  it("draws a child below the group's header and stores it relative to the body", () => {
    const f = graphToFlow(g);
    expect(f.nodes.find((n) => n.id === "sq")?.position).toEqual({ x: 40, y: 20 + BODY_TOP });
    expect(f.nodes.find((n) => n.id === "out")?.position).toEqual({ x: 600, y: 50 });
    expect(flowToGraph(f)).toEqual(g);
  });

  it("sizes a frame to hold its children, never smaller than an empty one", () => {
    expect(frameSize([])).toEqual(FRAME_MIN);
    expect(frameSize([{ x: 400, y: BODY_TOP + 300, width: 220, height: 110 }])).toEqual({
      width: 400 + 220 + BODY_PAD,
      height: BODY_TOP + 300 + 110 + BODY_PAD,
    });
  });

  it("puts a node into a group where it was dropped, and takes it out where it is", () => {
    const f = graphToFlow(g);
    const abs: Record<string, { x: number; y: number }> = { loop: { x: 100, y: 50 }, out: { x: 180, y: 300 }, sq: { x: 140, y: 240 } };
    const inside = reparent(f, "out", "loop", (id) => abs[id]);
    const out = inside.nodes.find((n) => n.id === "out")!;
    expect(out.parentId).toBe("loop");
    expect(out.position).toEqual({ x: 80, y: 250 });
    // React Flow wants the group before its children; the newcomer comes last among them
    // (drawn over its neighbours, as it was dropped)
    expect(inside.nodes.map((n) => n.id)).toEqual(["loop", "sq", "out"]);
    // stored relative to the body
    expect(flowToGraph(inside).nodes.find((n) => n.id === "out")?.position).toEqual({ x: 80, y: 250 - BODY_TOP });

    // dropped on the group's header: it goes to the top of the body
    const high = reparent(f, "out", "loop", (id) => (id === "out" ? { x: 120, y: 60 } : abs[id]));
    expect(high.nodes.find((n) => n.id === "out")?.position).toEqual({ x: 20, y: BODY_TOP });

    const outside = reparent(inside, "sq", null, (id) => abs[id]);
    const sq = outside.nodes.find((n) => n.id === "sq")!;
    expect(sq.parentId).toBeUndefined();
    expect(sq.position).toEqual({ x: 140, y: 240 });
    // nothing to do: already there, or unknown
    expect(reparent(f, "sq", "loop", (id) => abs[id])).toBe(f);
    expect(reparent(f, "nope", null, (id) => abs[id])).toBe(f);
  });
});
