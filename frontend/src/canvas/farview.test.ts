import { describe, expect, it } from "vitest";
import {
  FAR_H,
  WINDOW_MARGIN,
  drawRects,
  frameScheduler,
  throttled,
  handedIds,
  moveRest,
  unselectUnheld,
  hitTest,
  insideBox,
  nextWindow,
  normBox,
  viewBox,
  type NodeLike,
} from "./farview";
import { NODE_W } from "./lod";

const types = {
  "util.delay": { title: "Delay", group: "utility" },
  "control.foreach": { title: "For each", group: "control", container: true },
};

/** grid is n delay nodes 50 to a row, as scripts/bench-ui.sh generates them. */
function grid(n: number): NodeLike[] {
  return Array.from({ length: n }, (_, i) => ({ id: `d${i}`, data: { type: "util.delay" }, position: { x: 280 * (i % 50), y: 170 * Math.floor(i / 50) } }));
}

describe("the far canvas drawing", () => {
  it("places every node, children of a group at their absolute place, groups first and framed around their children", () => {
    const nodes: NodeLike[] = [
      { id: "loop", data: { type: "control.foreach" }, position: { x: 1000, y: 500 } },
      { id: "a", data: { type: "util.delay", label: "Wait" }, position: { x: 0, y: 0 }, measured: { width: 300 } },
      { id: "kid", data: { type: "util.delay" }, parentId: "loop", position: { x: 40, y: 60 } },
      { id: "odd", data: { type: "no.such" }, position: { x: -50, y: 0 } },
    ];
    const r = drawRects(nodes, types);
    expect(r.map((x) => x.id)).toEqual(["loop", "a", "kid", "odd"]);
    expect(r[1]).toMatchObject({ x: 0, y: 0, width: 300, height: FAR_H, title: "Wait", group: "utility", container: false });
    expect(r[2]).toMatchObject({ x: 1040, y: 560, width: NODE_W, title: "Delay" });
    expect(r[3]).toMatchObject({ title: "no.such", group: "unknown" });
    // the frame holds its child
    expect(r[0].container).toBe(true);
    expect(r[0].x + r[0].width).toBeGreaterThan(1040 + NODE_W);
    expect(r[0].y + r[0].height).toBeGreaterThan(560 + FAR_H);
  });

  it("hit-tests a point to the topmost node under it: a child above its group, nothing between nodes", () => {
    const nodes: NodeLike[] = [
      { id: "loop", data: { type: "control.foreach" }, position: { x: 0, y: 0 } },
      { id: "kid", data: { type: "util.delay" }, parentId: "loop", position: { x: 40, y: 60 } },
      { id: "b", data: { type: "util.delay" }, position: { x: 1000, y: 0 } },
    ];
    const r = drawRects(nodes, types);
    expect(hitTest(r, { x: 50, y: 70 })).toBe("kid");
    expect(hitTest(r, { x: 5, y: 5 })).toBe("loop");
    expect(hitTest(r, { x: 1000 + NODE_W, y: FAR_H })).toBe("b"); // edges count
    expect(hitTest(r, { x: 1000 + NODE_W + 1, y: 10 })).toBeNull();
    expect(hitTest(r, { x: 900, y: 10 })).toBeNull();
    expect(hitTest([], { x: 0, y: 0 })).toBeNull();
  });

  it("hit-tests 10,000 nodes by position", () => {
    const r = drawRects(grid(10_000), types);
    expect(hitTest(r, { x: 280 * 7 + 10, y: 170 * 123 + 10 })).toBe(`d${123 * 50 + 7}`);
    expect(hitTest(r, { x: 280 * 7 + NODE_W + 20, y: 170 * 123 + 10 })).toBeNull(); // the gap between two
  });

  it("selects the nodes wholly inside a drag box, dragged either way", () => {
    const r = drawRects(grid(100), types);
    const box = normBox({ x: 280 * 3 - 1, y: 170 * 1 - 1 }, { x: -1, y: -1 });
    expect(box.x).toBe(-1);
    // columns 0–2 of rows 0 (row 1 only partly: its nodes stick out below the box)
    expect(insideBox(r, box).sort()).toEqual(["d0", "d1", "d2"]);
    expect(insideBox(r, normBox({ x: 10, y: 10 }, { x: 20, y: 20 }))).toEqual([]);
  });
});

describe("what React Flow holds when zoomed in", () => {
  const pane = { width: 1000, height: 800 };

  it("holds the nodes near the view only, and keeps the window while the view stays inside it", () => {
    const nodes = grid(10_000);
    const r = drawRects(nodes, types);
    const view = viewBox([0, 0, 1], pane);
    expect(view).toEqual({ x: 0, y: 0, width: 1000, height: 800 });
    const win = nextWindow(null, view);
    expect(win).toEqual({ x: -1000 * WINDOW_MARGIN, y: -800 * WINDOW_MARGIN, width: 2000, height: 1600 });
    const ids = handedIds(nodes, r, win);
    expect(ids.has("d0")).toBe(true);
    expect(ids.size).toBeLessThan(100);
    expect(ids.has("d9999")).toBe(false);
    // a small pan: the same window (React Flow is given nothing new)
    expect(nextWindow(win, viewBox([-200, -100, 1], pane))).toBe(win);
    // a pan out of it: a new window around the view
    const moved = nextWindow(win, viewBox([-5000, -3000, 1], pane));
    expect(moved).not.toBe(win);
    expect(moved.x).toBe(5000 - 500);
    // zoomed far in: the window shrinks to the view
    const zoomed = nextWindow(win, viewBox([0, 0, 8], pane));
    expect(zoomed.width).toBe(125 * 2);
  });

  it("holds a child's group and a group's children, and not selected nodes elsewhere", () => {
    const nodes: NodeLike[] = [
      { id: "loop", data: { type: "control.foreach" }, position: { x: 5000, y: 0 } },
      { id: "kid", data: { type: "util.delay" }, parentId: "loop", position: { x: 40, y: 60 } },
      { id: "kid2", data: { type: "util.delay" }, parentId: "loop", position: { x: 4000, y: 60 } },
      { id: "far", data: { type: "util.delay" }, position: { x: 90_000, y: 0 }, selected: true },
      { id: "near", data: { type: "util.delay" }, position: { x: 0, y: 0 } },
    ];
    const r = drawRects(nodes, types);
    const ids = handedIds(nodes, r, { x: 8900, y: 0, width: 400, height: 400 });
    // only kid2 lies in the window: its group comes with it, and so does its sibling
    expect([...ids].sort()).toEqual(["kid", "kid2", "loop"]);
    // all 3,000 selected, zoomed in: React Flow holds the few near the view, not the selection
    const many = grid(3000).map((n) => ({ ...n, selected: true }));
    const held = handedIds(many, drawRects(many, types), { x: 0, y: 0, width: 1000, height: 800 });
    expect(held.size).toBeGreaterThan(0);
    expect(held.size).toBeLessThan(50);
  });
});

describe("a drag of a selection React Flow holds only part of", () => {
  it("moves every other selected node by the drag's delta when it ends, a child of a selected group with its group", () => {
    const nodes: NodeLike[] = [
      { id: "a", data: { type: "util.delay" }, position: { x: 0, y: 0 }, selected: true }, // dragged by React Flow
      { id: "b", data: { type: "util.delay" }, position: { x: 90_000, y: 500 }, selected: true }, // not held
      { id: "c", data: { type: "util.delay" }, position: { x: 300, y: 0 } }, // not selected
      { id: "loop", data: { type: "control.foreach" }, position: { x: 5000, y: 0 }, selected: true },
      { id: "kid", data: { type: "util.delay" }, parentId: "loop", position: { x: 40, y: 60 }, selected: true },
      { id: "loop2", data: { type: "control.foreach" }, position: { x: 9000, y: 0 } },
      { id: "kid2", data: { type: "util.delay" }, parentId: "loop2", position: { x: 40, y: 60 }, selected: true },
    ];
    const out = moveRest(nodes, new Set(["a"]), { x: 10, y: -5 });
    const at = (id: string) => out.find((n) => n.id === id)!.position;
    expect(at("a")).toEqual({ x: 0, y: 0 }); // React Flow moved it already
    expect(at("b")).toEqual({ x: 90_010, y: 495 });
    expect(at("c")).toEqual({ x: 300, y: 0 });
    expect(at("loop")).toEqual({ x: 5010, y: -5 });
    expect(at("kid")).toEqual({ x: 40, y: 60 }); // relative to its group, which moved
    expect(at("kid2")).toEqual({ x: 50, y: 55 }); // its group is not selected
    expect(moveRest(nodes, new Set(), { x: 0, y: 0 })).toBe(nodes);
    const none = nodes.map((n) => ({ ...n, selected: false }));
    expect(moveRest(none, new Set(), { x: 5, y: 5 })).toBe(none);
  });

  it("moves all 2,000 selected when React Flow dragged the few it holds", () => {
    const nodes = grid(2000).map((n) => ({ ...n, selected: true }));
    const held = handedIds(nodes, drawRects(nodes, types), { x: 0, y: 0, width: 1000, height: 800 });
    const out = moveRest(nodes, held, { x: 100, y: 60 });
    const moved = out.filter((n, i) => n.position.x === nodes[i].position.x + 100 && n.position.y === nodes[i].position.y + 60);
    expect(moved.length).toBe(2000 - held.size);
  });

  it("unselects the selected nodes React Flow does not hold when it selects one alone", () => {
    const nodes = grid(10).map((n, i) => ({ ...n, selected: i < 6 }));
    const out = unselectUnheld(nodes, new Set(["d0", "d1"]));
    expect(out.filter((n) => n.selected).map((n) => n.id)).toEqual(["d0", "d1"]);
    const fine = nodes.map((n, i) => ({ ...n, selected: i < 2 }));
    expect(unselectUnheld(fine, new Set(["d0", "d1"]))).toBe(fine);
  });
});

describe("frameScheduler", () => {
  it("runs once a frame however often it is asked, and again when asked after", () => {
    const frames: (() => void)[] = [];
    let calls = 0;
    const s = frameScheduler(
      () => calls++,
      (cb) => frames.push(cb),
      () => frames.splice(0),
    );
    s.schedule();
    s.schedule();
    s.schedule();
    expect(frames.length).toBe(1);
    expect(calls).toBe(0);
    frames.shift()!();
    expect(calls).toBe(1);
    s.schedule();
    expect(frames.length).toBe(1);
    s.flush();
    expect(calls).toBe(2);
    s.schedule();
    s.stop();
    expect(frames.length).toBe(0);
    expect(calls).toBe(2);
  });
});

describe("throttled", () => {
  it("asks at once while drawing is cheap or long done, and waits factor × the last cost after an expensive one", () => {
    let t = 0;
    let asked = 0;
    const timers: { cb: () => void; ms: number }[] = [];
    const sched = { schedule: () => asked++, stop: () => undefined };
    const th = throttled(
      sched,
      3,
      () => t,
      (cb, ms) => (timers.push({ cb, ms }), timers.length as unknown as ReturnType<typeof setTimeout>),
      () => timers.splice(0),
    );
    th.schedule();
    expect(asked).toBe(1); // nothing drawn yet
    th.done(0, 1); // 1 ms: cheap
    t = 4;
    th.schedule();
    expect(asked).toBe(2);
    th.done(10, 30); // 20 ms: the next waits until 30 + 60
    t = 40;
    th.schedule();
    th.schedule(); // one wait for many changes
    expect(asked).toBe(2);
    expect(timers).toHaveLength(1);
    expect(timers[0].ms).toBe(50);
    t = 90;
    timers.shift()!.cb();
    expect(asked).toBe(3);
    t = 200; // long after the last drawing: at once
    th.schedule();
    expect(asked).toBe(4);
    th.done(200, 220);
    th.schedule();
    expect(timers).toHaveLength(1);
    th.stop();
    expect(timers).toHaveLength(0);
  });
});

describe("the minimap of a large graph", () => {
  it("fits the graph's box in the minimap, centred, with its padding", async () => {
    const { miniScale } = await import("./MiniCanvas");
    const m = miniScale({ x: 100, y: 0, width: 1480, height: 980 }, 160, 110, 6);
    // 98 px of height for 980 units: 0.1 a unit, and the width (148 px) centred in 160
    expect(m.s).toBeCloseTo(0.1);
    expect(m.ox + 100 * m.s).toBeCloseTo(6);
    expect(m.oy).toBeCloseTo(6);
  });
});
