import { describe, expect, it } from "vitest";
import { toolbarPlace } from "./NodeActions";

describe("the node toolbar stays inside the canvas", () => {
  const canvas = { top: 48, left: 248 };
  it("sits above a node with room above it, right-aligned", () => {
    expect(toolbarPlace({ top: 300, left: 500, right: 720 }, canvas)).toEqual({ below: false, start: false });
  });
  it("goes below a node at the canvas's top edge", () => {
    expect(toolbarPlace({ top: 60, left: 500, right: 720 }, canvas).below).toBe(true);
    expect(toolbarPlace({ top: 20, left: 500, right: 720 }, canvas).below).toBe(true);
  });
  it("aligns to the node's left edge at the canvas's left edge", () => {
    expect(toolbarPlace({ top: 300, left: 200, right: 420 }, canvas).start).toBe(true);
  });
});
