import { describe, expect, it } from "vitest";
import type { RunEvent } from "./types";
import { coalesceEvents, createBatcher } from "./batcher";

const ev = (p: Partial<RunEvent>): RunEvent => ({ type: "node", workflow_id: "wf", run_id: "r1", time: 1000, ...p }) as RunEvent;

describe("coalesceEvents", () => {
  it("keeps the latest progress per run and node, joins stream chunks, keeps lifecycle order", () => {
    const out = coalesceEvents([
      ev({ type: "node", node_id: "a", status: "running" }),
      ev({ type: "progress", node_id: "a", progress: 0.1 }),
      ev({ type: "stream", node_id: "a", text: "Hel" }),
      ev({ type: "progress", node_id: "a", progress: 0.5 }),
      ev({ type: "progress", run_id: "r2", node_id: "a", progress: 0.2 }),
      ev({ type: "stream", node_id: "a", text: "lo" }),
      ev({ type: "progress", node_id: "", progress: 0.3, done: 3, total: 10 }),
      ev({ type: "node", node_id: "a", status: "executed" }),
    ]);
    expect(out.map((e) => e.type)).toEqual(["node", "progress", "stream", "progress", "progress", "node"]);
    expect(out[1].progress).toBe(0.5);
    expect(out[2].text).toBe("Hello");
    expect(out[3].run_id).toBe("r2");
  });

  it("does not merge chunks across a restart of the node", () => {
    const out = coalesceEvents([
      ev({ type: "stream", node_id: "a", text: "one" }),
      ev({ type: "node", node_id: "a", status: "running" }),
      ev({ type: "stream", node_id: "a", text: "two" }),
    ]);
    expect(out.map((e) => e.text ?? e.status)).toEqual(["one", "running", "two"]);
  });
});

describe("batcher", () => {
  it("delivers everything pushed before the tick in one call", () => {
    const ticks: (() => void)[] = [];
    const got: number[][] = [];
    const b = createBatcher<number>((items) => got.push(items), (cb) => ticks.push(cb));
    b.push(1);
    b.push(2);
    b.push(3);
    expect(ticks).toHaveLength(1);
    ticks[0]();
    b.push(4);
    expect(ticks).toHaveLength(2);
    ticks[1]();
    expect(got).toEqual([[1, 2, 3], [4]]);
  });

  it("waits at least minInterval between two deliveries", () => {
    let t = 0;
    const ticks: (() => void)[] = [];
    const timers: [() => void, number][] = [];
    const got: number[][] = [];
    const b = createBatcher<number>((items) => got.push(items), {
      schedule: (cb) => ticks.push(cb),
      minInterval: 50,
      now: () => t,
      delay: (cb, ms) => timers.push([cb, ms]),
    });
    b.push(1);
    ticks.shift()!(); // first: at once (next frame)
    t = 10;
    b.push(2);
    b.push(3);
    expect(ticks).toHaveLength(0);
    expect(timers.map(([, ms]) => ms)).toEqual([40]);
    timers.shift()![0]();
    ticks.shift()!();
    expect(got).toEqual([[1], [2, 3]]);
  });
});
