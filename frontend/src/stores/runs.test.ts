import { describe, expect, it } from "vitest";
import type { RunEvent, RunInfo } from "../api/types";
import { focusedNodeRun, focusedRun, reduceEvent, reduceRunInfo, type RunsMap } from "./runs";

const ev = (e: Partial<RunEvent>): RunEvent => ({ type: "node", workflow_id: "w", run_id: "r1", time: 1, ...e });

const info = (over: Partial<RunInfo> = {}): RunInfo => ({
  id: "r1", workflow_id: "w", workflow_name: "", version_id: "v2", version_label: "v2", status: "completed", mode: "full",
  from_node: "", label: 'name="Ada"', number: 3, queue_position: 0, inputs: { name: "Ada" }, outputs: { greeting: "Hello, Ada!" },
  nodes: { t: { status: "executed", reasons: [], generation_id: "g1", duration_ms: 4, error: "" } }, approvals: {},
  error: "", created_at: "2026-01-01T00:00:00Z", started_at: "2026-01-01T00:00:00Z", finished_at: "2026-01-01T00:00:01Z", saved_version: "",
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
    expect(focusedRun({ runs, focused: {} }, "w")).toBeNull();
    expect(focusedRun({ runs, focused: { w: "r1" } }, "w")?.id).toBe("r1");
    expect(focusedNodeRun({ runs, focused: { w: "r1" } }, "w", "t")?.status).toBe("executed");
    expect(focusedNodeRun({ runs, focused: { w: "r1" } }, "other", "t")).toBeUndefined();
  });
});
