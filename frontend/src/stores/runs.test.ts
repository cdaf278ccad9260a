import { describe, expect, it } from "vitest";
import type { RunEvent, RunInfo } from "../api/types";
import { focusedNodeRun, focusedRun, reduceEvent, reduceEvents, reduceRunInfo, shownRuns, useRuns, type RunsMap } from "./runs";

const ev = (e: Partial<RunEvent>): RunEvent => ({ type: "node", workflow_id: "w", run_id: "r1", time: 1, ...e });

const info = (over: Partial<RunInfo> = {}): RunInfo => ({
  id: "r1", workflow_id: "w", workflow_name: "", version_id: "v2", version_label: "v2", status: "completed", mode: "full",
  from_node: "", label: 'name="Ada"', number: 3, queue_position: 0, inputs: { name: "Ada" }, outputs: { greeting: "Hello, Ada!" },
  nodes: { t: { status: "executed", reasons: [], generation_id: "g1", duration_ms: 4, error: "" } }, approvals: {},
  error: "", created_at: "2026-01-01T00:00:00Z", started_at: "2026-01-01T00:00:00Z", finished_at: "2026-01-01T00:00:01Z", saved_version: "", parent_run_id: "", parent_node_id: "",
  ...over,
});

describe("runs reducers", () => {
  it("keeps runs apart by run id", () => {
    let s: RunsMap = {};
    s = reduceEvent(s, ev({ type: "run", status: "running", label: "a" }));
    s = reduceEvent(s, ev({ type: "run", run_id: "r2", status: "queued", queue_position: 1 }));
    s = reduceEvent(s, ev({ node_id: "t", status: "running" }));
    s = reduceEvent(s, ev({ run_id: "r2", node_id: "t", status: "failed", error: "boom", duration_ms: 7 }));
    expect(s.r1.status).toBe("running");
    expect(s.r1.nodes.t.status).toBe("running");
    expect(s.r2.queuePosition).toBe(1);
    expect(s.r2.nodes.t).toMatchObject({ status: "failed", error: "boom", durationMs: 7 });
  });

  it("only copies the node an event touches", () => {
    let s = reduceEvent({}, ev({ node_id: "a", status: "executed" }));
    s = reduceEvent(s, ev({ node_id: "b", status: "running" }));
    const before = s.r1.nodes.a;
    s = reduceEvent(s, ev({ node_id: "b", status: "executed", duration_ms: 3 }));
    expect(s.r1.nodes.a).toBe(before);
  });

  it("accumulates streamed text, logs and progress", () => {
    let s = reduceEvent({}, ev({ type: "stream", node_id: "llm", text: "Hel" }));
    s = reduceEvent(s, ev({ type: "stream", node_id: "llm", text: "lo" }));
    s = reduceEvent(s, ev({ type: "log", node_id: "js", text: "line" }));
    s = reduceEvent(s, ev({ type: "progress", done: 2, total: 5 }));
    s = reduceEvent(s, ev({ type: "progress", node_id: "llm", progress: 0.5 }));
    expect(s.r1.nodes.llm).toMatchObject({ stream: "Hello", progress: 0.5 });
    expect(s.r1.nodes.js.logs).toEqual(["line"]);
    expect(s.r1.progress).toEqual({ done: 2, total: 5 });
  });

  it("merges the stored run and then ignores stale events", () => {
    let s = reduceEvent({}, ev({ node_id: "t", status: "running", preview: "" }));
    s = reduceRunInfo(s, info());
    expect(s.r1).toMatchObject({ status: "completed", final: true, number: 3, versionLabel: "v2", outputs: { greeting: "Hello, Ada!" } });
    expect(s.r1.nodes.t).toMatchObject({ status: "executed", durationMs: 4, generationId: "g1" });
    const after = reduceEvent(s, ev({ node_id: "t", status: "running" }));
    expect(after).toBe(s);
  });

  it("does not take a listed run (no node records) for its final record", () => {
    let s = reduceRunInfo({}, info({ nodes: null as unknown as RunInfo["nodes"] }));
    expect(s.r1).toMatchObject({ status: "completed", final: false });
    s = reduceRunInfo(s, info());
    expect(s.r1).toMatchObject({ final: true });
    expect(s.r1.nodes.t).toMatchObject({ status: "executed" });
  });

  it("keeps node records the events already told when the stored run arrives", () => {
    let s = reduceEvent({}, ev({ node_id: "t", status: "executed", duration_ms: 4, generation_id: "g1", reasons: [] }));
    const before = s.r1.nodes.t;
    s = reduceRunInfo(s, info());
    expect(s.r1.nodes.t).toBe(before);
  });

  it("does not let a late queued reply undo a running status", () => {
    let s = reduceEvent({}, ev({ type: "run", status: "running" }));
    s = reduceRunInfo(s, info({ status: "queued", queue_position: 0, outputs: {}, nodes: {} }));
    expect(s.r1.status).toBe("running");
    expect(s.r1.queuePosition).toBe(0);
  });

  it("does not let a late queued record undo a finished status", () => {
    let s = reduceEvent({}, ev({ type: "run", status: "failed", error: "x" }));
    s = reduceRunInfo(s, info({ status: "queued", outputs: {} }));
    expect(s.r1.status).toBe("failed");
  });

  it("keeps the final record when StartRun's early reply comes after it", () => {
    let s = reduceRunInfo({}, info());
    s = reduceRunInfo(s, info({ status: "queued", outputs: {}, nodes: {} }));
    expect(s.r1).toMatchObject({ status: "completed", outputs: { greeting: "Hello, Ada!" } });
  });

  it("reads the focused run per workflow", () => {
    const runs = reduceRunInfo({}, info());
    // nothing picked: the canvas shows the workflow's latest run
    expect(focusedRun({ runs, focused: {} }, "w")?.id).toBe("r1");
    expect(focusedRun({ runs, focused: {} }, "other")).toBeNull();
    expect(focusedRun({ runs, focused: { w: "r1" } }, "w")?.id).toBe("r1");
    expect(focusedNodeRun({ runs, focused: { w: "r1" } }, "w", "t")?.status).toBe("executed");
    expect(focusedNodeRun({ runs, focused: { w: "r1" } }, "other", "t")).toBeUndefined();
  });

  it("starts a node afresh when it runs again, and times the run from its events", () => {
    let s: RunsMap = reduceEvent({}, ev({ type: "run", status: "queued", time: Date.parse("2026-01-01T00:00:00Z") }));
    expect(s.r1).toMatchObject({ status: "queued", startedAt: "", createdAt: "2026-01-01T00:00:00.000Z" });
    s = reduceEvents(s, [
      ev({ type: "run", status: "running", time: Date.parse("2026-01-01T00:00:02Z") }),
      ev({ node_id: "t", status: "failed", error: "boom", duration_ms: 3 }),
      ev({ node_id: "t", status: "running" }),
      ev({ type: "stream", node_id: "t", text: "a" }),
      ev({ type: "stream", node_id: "t", text: "b" }),
    ]);
    expect(s.r1.startedAt).toBe("2026-01-01T00:00:02.000Z");
    expect(s.r1.nodes.t).toEqual({ status: "running", stream: "ab" });
    s = reduceEvent(s, ev({ type: "run", status: "completed", time: Date.parse("2026-01-01T00:00:05Z") }));
    expect(s.r1.finishedAt).toBe("2026-01-01T00:00:05.000Z");
  });
});

describe("queue positions", () => {
  it("keep a queued run's place when an event leaves it out, and drop it once it runs", () => {
    let s = reduceEvent({}, ev({ type: "run", status: "queued", queue_position: 2 }));
    s = reduceEvent(s, ev({ type: "run", status: "queued" }));
    expect(s.r1.queuePosition).toBe(2);
    s = reduceEvent(s, ev({ type: "run", status: "queued", queue_position: 1 }));
    expect(s.r1.queuePosition).toBe(1);
    s = reduceEvent(s, ev({ type: "run", status: "running" }));
    expect(s.r1.queuePosition).toBe(0);
  });
});

describe("order", () => {
  it("a run's stage follows its events, which come in order (a resumed run may wait in the queue again)", () => {
    let s = reduceEvent({}, ev({ type: "run", status: "queued", queue_position: 1 }));
    s = reduceEvent(s, ev({ type: "run", status: "running" }));
    s = reduceEvent(s, ev({ type: "run", status: "paused" }));
    expect(s.r1.status).toBe("paused");
    s = reduceEvent(s, ev({ type: "run", status: "queued", queue_position: 2 })); // resumed, the queue is full
    expect(s.r1).toMatchObject({ status: "queued", queuePosition: 2, finishedAt: "" });
    s = reduceEvent(s, ev({ type: "run", status: "running" }));
    s = reduceEvent(s, ev({ type: "run", status: "completed" }));
    expect(s.r1.status).toBe("completed");
  });

  it("a record sets the stage of a run no event told about, but never moves a finished run back", () => {
    let s = reduceRunInfo({}, info({ status: "running", nodes: null as unknown as RunInfo["nodes"], finished_at: "" }));
    expect(s.r1.status).toBe("running"); // another process's run, known from a list
    s = reduceRunInfo(s, info({ status: "paused", nodes: null as unknown as RunInfo["nodes"], finished_at: "" }));
    expect(s.r1.status).toBe("paused");
    s = reduceRunInfo(s, info({ status: "cancelled", nodes: null as unknown as RunInfo["nodes"] }));
    s = reduceRunInfo(s, info({ status: "queued", nodes: null as unknown as RunInfo["nodes"], finished_at: "" }));
    expect(s.r1.status).toBe("cancelled");
  });
});

describe("batches", () => {
  it("give the same state as event by event, without touching the old state", () => {
    const evs = [
      ev({ type: "run", status: "running" }),
      ev({ node_id: "a", status: "running" }),
      ev({ type: "progress", node_id: "a", progress: 0.2 }),
      ev({ type: "progress", node_id: "a", progress: 0.7 }),
      ev({ node_id: "a", status: "executed", duration_ms: 5, preview: "1" }),
      ev({ run_id: "r2", node_id: "a", status: "running" }),
      ev({ node_id: "b", status: "running" }),
    ];
    const start = reduceEvent({}, ev({ node_id: "z", status: "executed" }));
    const frozen = JSON.stringify(start);
    const one = evs.reduce(reduceEvent, start);
    const batch = reduceEvents(start, evs);
    expect(batch).toEqual(one);
    expect(JSON.stringify(start)).toBe(frozen);
    expect(batch.r1.nodes.z).toBe(start.r1.nodes.z); // untouched node keeps its object
    expect(reduceEvents(batch, [])).toBe(batch);
    expect(reduceEvents(batch, [ev({ type: "node", node_id: "" })])).toBe(batch);
  });
});

describe("the lens", () => {
  const at = (sec: number) => Date.parse(`2026-01-01T00:00:${String(sec).padStart(2, "0")}Z`);
  const runs = reduceEvents({}, [
    ev({ type: "run", run_id: "old", status: "completed", time: at(1) }),
    ev({ type: "run", run_id: "live", status: "running", time: at(2) }),
    ev({ type: "run", run_id: "late", status: "completed", time: at(3) }),
    ev({ type: "run", run_id: "else", workflow_id: "x", status: "running", time: at(4) }),
  ]);

  it("shows the pick while it exists, else the latest active run, else the latest finished one", () => {
    expect(shownRuns(runs, { w: "old" }).w).toBe("old");
    expect(shownRuns(runs, {}).w).toBe("live");
    expect(shownRuns(runs, { w: "gone" }).w).toBe("live");
    const { live: _live, ...noActive } = runs;
    void _live;
    expect(shownRuns(noActive, { w: "gone" }).w).toBe("late");
    expect(shownRuns(runs, {}).x).toBe("else");
  });

  it("falls back when the shown run is removed, and never mixes workflows", () => {
    useRuns.setState({ runs, focused: {}, shown: {} });
    const st = useRuns.getState();
    st.focus("w", "old");
    expect(useRuns.getState().shown.w).toBe("old");
    useRuns.getState().removeRuns(["old"]);
    expect(useRuns.getState().shown.w).toBe("live");
    useRuns.getState().focus("w", "else"); // a run of another workflow is never shown on w
    expect(useRuns.getState().shown.w).toBe("live");
    useRuns.getState().applyEvents([ev({ type: "run", run_id: "live", status: "cancelled", time: at(9) })]);
    expect(useRuns.getState().shown.w).toBe("live"); // finished now, and still the latest
  });
});
