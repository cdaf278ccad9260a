import { describe, expect, it } from "vitest";
import { overlayOpen, overlayRuns } from "./QueueOverlay";
import { clearedFromList, moveTarget, retryable, withQueueEvent } from "./queueControl";

describe("the queue overlay", () => {
  const runs = [
    { id: "1", workflow_id: "a" },
    { id: "2", workflow_id: "b" },
    { id: "3", workflow_id: "a" },
  ];
  it("lists the open workflow's runs by default, every workflow's with All or on the dashboard", () => {
    expect(overlayRuns(runs, "a", false).map((r) => r.id)).toEqual(["1", "3"]);
    expect(overlayRuns(runs, "c", false)).toEqual([]);
    expect(overlayRuns(runs, "a", true)).toHaveLength(3);
    expect(overlayRuns(runs, null, false)).toHaveLength(3);
  });
  it("is open while its runs go and folds when they end, unless the user chose", () => {
    expect(overlayOpen(null, true)).toBe(true);
    expect(overlayOpen(null, false)).toBe(false);
    expect(overlayOpen(false, true)).toBe(false);
    expect(overlayOpen(true, false)).toBe(true);
  });
});

describe("queue control in the overlay", () => {
  it("offers retry on failed, cancelled and interrupted runs only", () => {
    expect(["failed", "cancelled", "interrupted"].every(retryable)).toBe(true);
    expect(["completed", "queued", "running", "paused"].some(retryable)).toBe(false);
  });
  it("moves a dragged queued run to the card it is dropped on, not onto itself", () => {
    expect(moveTarget("a", "b")).toEqual({ runId: "a", toRunId: "b" });
    expect(moveTarget("a", "a")).toBeNull();
    expect(moveTarget(null, "b")).toBeNull();
  });
  it("leaves out finished runs that finished before the list was cleared", () => {
    const at = "2026-01-01T10:00:00Z";
    const run = (status: string, finished: string) => ({ status, finished_at: finished, created_at: "2026-01-01T09:00:00Z" });
    expect(clearedFromList(run("completed", "2026-01-01T09:30:00Z"), at)).toBe(true);
    expect(clearedFromList(run("failed", "2026-01-01T10:30:00Z"), at)).toBe(false);
    expect(clearedFromList(run("queued", ""), at)).toBe(false);
    expect(clearedFromList(run("completed", "2026-01-01T09:30:00Z"), "")).toBe(false);
  });
});

describe("the queue's pause", () => {
  const q = { paused: false, cap: 4, cleared_at: "" };
  it("follows a pause or resume made by any process, as it is announced", () => {
    expect(withQueueEvent(q, { status: "paused" })).toEqual({ ...q, paused: true });
    expect(withQueueEvent({ ...q, paused: true }, { status: "resumed" })).toEqual(q);
    expect(withQueueEvent(q, { status: "resumed" })).toBe(q);
    expect(withQueueEvent(q, { status: "running" })).toBe(q);
    expect(withQueueEvent(null, { status: "paused" })).toBeNull();
  });
});
