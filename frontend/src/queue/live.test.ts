import { describe, expect, it } from "vitest";
import type { RunEvent } from "../api/types";
import { createBatcher } from "./batcher";
import { applyEvents, coalesceEvents, mergeSnapshots, removeRuns, type LiveState } from "./live";

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

describe("applyEvents", () => {
  it("keeps two runs of one workflow apart", () => {
    let s: LiveState = {};
    s = applyEvents(s, [
      ev({ type: "run", status: "running", label: "seed=1" }),
      ev({ type: "run", run_id: "r2", status: "running", label: "seed=2" }),
      ev({ node_id: "a", status: "running" }),
      ev({ run_id: "r2", node_id: "a", status: "failed", error: "boom" }),
      ev({ node_id: "a", status: "executed", duration_ms: 12, generation_id: "g1", preview: "42" }),
    ]);
    expect(s.r1.nodes.a).toMatchObject({ status: "executed", duration_ms: 12, generation_id: "g1", preview: "42" });
    expect(s.r1.nodes.a.error).toBeUndefined();
    expect(s.r2.nodes.a).toMatchObject({ status: "failed", error: "boom" });
    expect(s.r1.run.label).toBe("seed=1");
  });

  it("copies only what changed", () => {
    const s1 = applyEvents({}, [
      ev({ type: "run", status: "running" }),
      ev({ type: "run", run_id: "r2", status: "running" }),
      ev({ node_id: "a", status: "executed" }),
      ev({ node_id: "b", status: "running" }),
    ]);
    const s2 = applyEvents(s1, [ev({ type: "progress", node_id: "b", progress: 0.5 })]);
    expect(s2).not.toBe(s1);
    expect(s2.r2).toBe(s1.r2);
    expect(s2.r1.nodes.a).toBe(s1.r1.nodes.a);
    expect(s2.r1.nodes.b).not.toBe(s1.r1.nodes.b);
    expect(s2.r1.nodes.b.progress).toBe(0.5);
    expect(s1.r1.nodes.b.progress).toBeUndefined(); // the old state is untouched
    expect(applyEvents(s2, [])).toBe(s2);
  });

  it("tracks the run lifecycle, queue position, times and overall progress", () => {
    let s = applyEvents({}, [ev({ type: "run", status: "queued", queue_position: 2, time: 1000 })]);
    expect(s.r1.run).toMatchObject({ status: "queued", queue_position: 2, started_at: "" });
    s = applyEvents(s, [
      ev({ type: "run", status: "running", time: 2000 }),
      ev({ type: "progress", node_id: "", progress: 0.5, done: 1, total: 2 }),
    ]);
    expect(s.r1.run.queue_position).toBe(0);
    expect(s.r1.run.started_at).toBe(new Date(2000).toISOString());
    expect(s.r1).toMatchObject({ progress: 0.5, done: 1, total: 2 });
    s = applyEvents(s, [ev({ type: "run", status: "completed", time: 5000 })]);
    expect(s.r1.run.finished_at).toBe(new Date(5000).toISOString());
    expect(s.r1.progress).toBe(1);
  });

  it("accumulates streamed text and resets it when the node starts again", () => {
    let s = applyEvents({}, [
      ev({ node_id: "chat", status: "running" }),
      ev({ type: "stream", node_id: "chat", text: "Hello" }),
      ev({ type: "stream", node_id: "chat", text: ", world" }),
    ]);
    expect(s.r1.nodes.chat.stream).toBe("Hello, world");
    expect(s.r1.stub).toBe(true); // known from node events only
    s = applyEvents(s, [ev({ node_id: "chat", status: "running" })]);
    expect(s.r1.nodes.chat.stream).toBeUndefined();
  });
});

describe("snapshots", () => {
  const snap = {
    id: "r1",
    workflow_id: "wf",
    label: "Run #1",
    version_label: "v2",
    status: "completed",
    queue_position: 0,
    created_at: "2026-01-01T00:00:00Z",
    started_at: "2026-01-01T00:00:00Z",
    finished_at: "2026-01-01T00:00:01Z",
    nodes: { a: { status: "executed", reasons: [], generation_id: "g", duration_ms: 5, error: "" } },
  };

  it("fills node records of finished runs", () => {
    const s = mergeSnapshots({}, [snap]);
    expect(s.r1.nodes.a).toMatchObject({ status: "executed", generation_id: "g", duration_ms: 5 });
    expect(s.r1.progress).toBe(1);
  });

  it("never moves a finished run back to running", () => {
    const live = applyEvents({}, [ev({ type: "run", status: "cancelled" })]);
    const s = mergeSnapshots(live, [{ ...snap, status: "running", nodes: {} }]);
    expect(s.r1.run.status).toBe("cancelled");
  });

  it("removes runs", () => {
    const s = mergeSnapshots({}, [snap]);
    expect(removeRuns(s, ["r1"])).toEqual({});
    expect(removeRuns(s, ["zz"])).toBe(s);
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
});
