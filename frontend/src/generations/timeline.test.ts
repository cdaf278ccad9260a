import { describe, expect, it } from "vitest";
import { formatTime, initialView, pickedId, position, reconcile, runTitle, step, type Generation } from "./timeline";

function gen(id: string, p: Partial<Generation> = {}): Generation {
  return {
    id,
    workflow_id: "wf",
    node_id: "n",
    run_id: `run-${id}`,
    version_id: "v",
    version_label: "v1",
    run_label: `Run ${id}`,
    status: "completed",
    outputs: {},
    error: "",
    duration_ms: 1,
    config_hash: "",
    input_fingerprint: "",
    created_at: "2026-01-01T00:00:00Z",
    selected: false,
    ...p,
  };
}
const tl = (ids: (string | Generation)[], current = "") => ({
  generations: ids.map((x) => (typeof x === "string" ? gen(x) : x)),
  current_generation_id: current,
});

describe("timeline navigation", () => {
  it("opens on the current generation, else the newest", () => {
    expect(initialView(tl(["c", "b", "a"], "b"))).toBe("b");
    expect(initialView(tl(["c", "b", "a"]))).toBe("c");
    expect(initialView(tl([]))).toBeNull();
  });

  it("steps to older (prev) and newer (next) and stops at the ends", () => {
    const t = tl(["c", "b", "a"]);
    expect(step(t, "c", "prev")).toBe("b");
    expect(step(t, "b", "prev")).toBe("a");
    expect(step(t, "a", "prev")).toBeNull();
    expect(step(t, "a", "next")).toBe("b");
    expect(step(t, "c", "next")).toBeNull();
    expect(position(t, "c")).toEqual({ n: 3, of: 3 });
    expect(position(t, "a")).toEqual({ n: 1, of: 3 });
  });

  it("follows new generations when viewing the newest, stays put otherwise", () => {
    const before = tl(["b", "a"]);
    const after = tl(["c", "b", "a"]);
    expect(reconcile(before, after, "b")).toBe("c");
    expect(reconcile(before, after, "a")).toBe("a");
  });

  it("follows a live generation to its persisted form", () => {
    const live = gen("live:r9:n", { run_id: "r9", status: "running" });
    const landed = gen("g9", { run_id: "r9" });
    const other = gen("g10", { run_id: "r10", status: "running", id: "live:r10:n" });
    expect(reconcile(tl([other, live, "a"]), tl([other, landed, "a"]), live.id)).toBe("g9");
  });

  it("moves to a neighbour when the viewed generation is deleted", () => {
    expect(reconcile(tl(["c", "b", "a"]), tl(["c", "a"]), "b")).toBe("a");
    expect(reconcile(tl(["c", "b", "a"]), tl(["c", "b"]), "a")).toBe("b");
    expect(reconcile(tl(["a"]), tl([]), "a")).toBeNull();
  });

  it("knows the pick", () => {
    expect(pickedId(tl([gen("b"), gen("a", { selected: true })]))).toBe("a");
    expect(pickedId(tl(["a"]))).toBe("");
  });
});

describe("labels", () => {
  it("formats times relative to today", () => {
    const now = new Date(2026, 4, 3, 12, 0, 0);
    expect(formatTime(new Date(2026, 4, 3, 9, 5, 7).toISOString(), now)).toBe("09:05:07");
    expect(formatTime(new Date(2026, 0, 2, 9, 5, 7).toISOString(), now)).toBe("2 Jan 09:05");
    expect(formatTime("nonsense", now)).toBe("");
  });

  it("names the run", () => {
    expect(runTitle({ run_label: "seed=3", run_id: "x" })).toBe("seed=3");
    expect(runTitle({ run_label: "", run_id: "0123456789" })).toBe("Run 01234567");
  });
});

describe("tile labels", () => {
  it("drop what every run of the grid shares, so the varying input shows", async () => {
    const { tileLabels, labelParts } = await import("./timeline");
    expect(labelParts('topic="owls, big" count=3 seed=2')).toEqual(['topic="owls, big"', "count=3", "seed=2"]);
    expect(labelParts("Run #3")).toEqual(["Run #3"]);
    expect(tileLabels(['topic="owls" count=3 seed=1', 'topic="owls" count=3 seed=2', 'topic="owls" count=3 seed=3'])).toEqual([
      "seed=1",
      "seed=2",
      "seed=3",
    ]);
    expect(tileLabels(["seed=1", "Run #4"])).toEqual(["seed=1", "Run #4"]);
    expect(tileLabels(["x=1", "x=1"])).toEqual(["x=1", "x=1"]);
  });
});
