import { beforeEach, describe, expect, it } from "vitest";
import { runName } from "../lib/runlabel";
import { useCurrentGens } from "./currentGens";
import { applyLensEvents, lensDrawKey, lensNode, lensPhase, resetLens, shownGenerationId, setShowCurrent, useLens } from "./shown";
import { initialView, reconcile } from "../generations/timeline";
import { useRuns } from "./runs";
import type { Generation } from "../api/types";

const sha = (c: string) => c.repeat(64);

describe("what the canvas shows on a node (the lens)", () => {
  it("a far node's drawing key changes only when its own status or dimming does", () => {
    const state = (status: string, nodes: Record<string, { status: string }>) => ({
      runs: { r1: { id: "r1", workflowId: "wf", status, nodes } as never },
      focused: { wf: "r1" },
      shown: { wf: "r1" },
    });
    const none = lensDrawKey({ runs: {}, focused: {}, shown: {} }, "wf", "a", false);
    // a run going onto the canvas, and moving on, changes nothing on a node it has not reached
    expect(lensDrawKey(state("queued", {}), "wf", "a", false)).toBe(none);
    expect(lensDrawKey(state("running", { b: { status: "running" } }), "wf", "a", false)).toBe(none);
    // its own status does; an equal record or the run's end does not
    const done = lensDrawKey(state("running", { a: { status: "executed" } }), "wf", "a", false);
    expect(done).not.toBe(none);
    expect(lensDrawKey(state("completed", { a: { status: "executed" } }), "wf", "a", false)).toBe(done);
    // a node the finished run did not touch is dimmed
    expect(lensDrawKey(state("completed", {}), "wf", "a", false)).not.toBe(none);
    expect(lensDrawKey(state("completed", {}), "wf", "a", true)).toBe(none);
  });

  it("selects the lens run's phase, which changes only at its end, and decides as the status would", () => {
    for (const st of ["queued", "running", "paused"]) expect(lensPhase(st)).toBe("running");
    for (const st of ["completed", "failed", "cancelled"]) expect(lensPhase(st)).toBe("completed");
    expect(lensPhase("")).toBe("");
    for (const st of ["", "queued", "running", "paused", "completed", "failed", "cancelled"]) {
      for (const rec of [undefined, { status: "executed", generationId: "g" }, { status: "untouched" }]) {
        expect(lensNode(lensPhase(st), rec, false, "c")).toEqual(lensNode(st, rec, false, "c"));
      }
    }
  });

  it("shows the lens run's own generation, not the current one", () => {
    const n = lensNode("completed", { status: "executed", generationId: "g-a" }, false, "g-newest");
    expect(n).toMatchObject({ kind: "run", genId: "g-a", untouched: false });
  });
  it("a node the run reused shows the generation it fed downstream", () => {
    expect(lensNode("completed", { status: "reused", generationId: "g-old" }, false, "g-new").genId).toBe("g-old");
  });
  it("dims nodes a finished run did not touch, not nodes a running run has yet to reach", () => {
    expect(lensNode("completed", undefined, false, "g-cur")).toMatchObject({ kind: "run", untouched: true, genId: undefined });
    expect(lensNode("completed", { status: "untouched" }, false, "g-cur").untouched).toBe(true);
    expect(lensNode("running", undefined, false, "g-cur").untouched).toBe(false);
  });
  it("Current mode, or no run at all, shows the current generation", () => {
    expect(lensNode("completed", { status: "executed", generationId: "g-a" }, true, "g-cur")).toMatchObject({ kind: "current", genId: "g-cur", untouched: false });
    expect(lensNode("", undefined, false, "g-cur")).toMatchObject({ kind: "current", genId: "g-cur" });
  });
});

describe("lens state", () => {
  beforeEach(() => {
    resetLens();
    useRuns.setState({ runs: {}, focused: {}, shown: {} });
    useCurrentGens.setState({ workflowId: "wf", byNode: {}, rev: {} });
  });
  it("node events give each generation its own preview; the first summary of a generation stays", () => {
    applyLensEvents([
      { type: "node", workflow_id: "wf", run_id: "a", node_id: "noise", status: "executed", generation_id: "g1", preview: `{"image":{"asset":"${sha("a")}","mime":"image/png"}}`, time: 1 },
      { type: "node", workflow_id: "wf", run_id: "b", node_id: "noise", status: "executed", generation_id: "g2", preview: `{"image":{"asset":"${sha("b")}","mime":"image/png"}}`, time: 2 },
    ]);
    const gens = useLens.getState().gens;
    expect(gens.g1?.summary.image?.asset).toBe(sha("a"));
    expect(gens.g2?.summary.image?.asset).toBe(sha("b"));
  });
  it("shownGenerationId follows the focused run and the Current toggle", () => {
    const run = (id: string, gen: string) => ({
      id, workflowId: "wf", status: "completed", label: "", number: 1, versionId: "", versionLabel: "", queuePosition: 0, error: "",
      nodes: { noise: { status: "executed", generationId: gen } }, outputs: null, inputs: null, progress: null,
      createdAt: "2026-01-01T00:00:00Z", startedAt: "", finishedAt: "", final: true, heard: true,
    });
    useRuns.setState({ runs: { a: run("a", "g1"), b: run("b", "g2") } });
    useRuns.getState().focus("wf", "a");
    useCurrentGens.setState({ byNode: { noise: { id: "g2", picked: false, summary: { text: "" } } } });
    expect(shownGenerationId("wf", "noise")).toBe("g1");
    useRuns.getState().focus("wf", "b");
    expect(shownGenerationId("wf", "noise")).toBe("g2");
    useRuns.getState().focus("wf", "a");
    setShowCurrent("wf", true);
    expect(shownGenerationId("wf", "noise")).toBe("g2");
  });
});

describe("the generation viewer opens at the generation the canvas shows", () => {
  const g = (id: string) => ({ id }) as Generation;
  it("prefers the shown generation over the current one", () => {
    const tl = { generations: [g("new"), g("mid"), g("old")], current_generation_id: "new" };
    expect(initialView(tl, "mid")).toBe("mid");
    expect(initialView(tl, "gone")).toBe("new");
    expect(reconcile(null, tl, null, "old")).toBe("old");
  });
});

describe("the header names the run on the canvas", () => {
  it("number first, then the label when it says more", () => {
    expect(runName(3, "seed=2")).toBe("Run #3 seed=2");
    expect(runName(3, "Run #3")).toBe("Run #3");
    expect(runName(0, "seed=2")).toBe("seed=2");
  });
});
