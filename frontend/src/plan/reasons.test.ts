import { describe, expect, it } from "vitest";
import { actionWord, explainNode, explainWhy, planOrder, reasonText, REASONS, sourceText, staleReasons, staleText, summarize } from "./reasons";

describe("reason wording", () => {
  it("covers every reason word of SPEC §7", () => {
    const words = "target downstream_of_target inputs_unchanged no_prior_result prior_error config_changed file_changed upstream_changed input_changed loop_restart selected".split(" ");
    for (const w of words) {
      expect(REASONS[w], w).toBeTruthy();
      expect(reasonText(w)).not.toContain("_");
    }
    expect(reasonText("config_changed")).toBe("its settings changed since its last result");
    expect(reasonText("brand_new")).toBe("brand new");
    expect(explainNode({ action: "reuse", reasons: ["selected"] })).toBe("Reuses its current result: you picked this result.");
  });

  it("words a node a run recorded from another run's execution (SPEC §14 shared)", () => {
    expect(reasonText("shared")).toBe(REASONS.shared);
    expect(REASONS.shared).toMatch(/another run/);
  });

  it("words the reasons of a changed run and of the cache (SPEC §14)", () => {
    expect(reasonText("changed")).toMatch(/changed since its last result/);
    expect(reasonText("cached")).toMatch(/already existed/);
    expect(explainNode({ action: "reuse", reasons: ["changed", "no_prior_result", "cached"] })).toMatch(/^Reuses an existing result: /);
    expect(explainNode({ action: "rerun", reasons: ["upstream_changed"], may_be_cached: true })).toMatch(/\. It may be reused from the cache/);
    expect(explainWhy({ action: "rerun", reasons: ["upstream_changed"], may_be_cached: true })).toMatch(/^A node before it runs again\. It may be reused/);
    expect(explainWhy({ action: "rerun", reasons: ["config_changed"] })).not.toMatch(/cache/);
    const cached = { action: "reuse", reasons: ["config_changed", "cached"], source_generation_id: "01a24ada-e676-709a-97d5-944daf694621" };
    expect(actionWord("reuse", cached.reasons)).toBe("Reuses an existing result");
    expect(explainWhy(cached)).toMatch(/so it was reused \(result …af694621\)\.$/);
    const src = { id: cached.source_generation_id, workflow_id: "w1", version_label: "v3", run_label: "Run #12", run_id: "r1" };
    expect(explainWhy(cached, sourceText(src, { w1: "Blur" }))).toMatch(/so it was reused \(result of "Blur" v3, Run #12\)\.$/);
    expect(sourceText({ ...src, run_label: "" }, {})).toBe("result of v3, run r1");
    expect(sourceText({ ...src, workflow_id: "", version_label: "", run_label: "", run_id: "" }, {})).toBe("result of …af694621");
    expect(explainNode({ action: "rerun", reasons: ["changed", "config_changed"] })).toMatch(/^Runs again: it changed since its last result/);
  });

  it("explains a node's decision in one sentence", () => {
    expect(explainNode({ action: "rerun", reasons: ["config_changed"] })).toBe(
      "Runs again: its settings changed since its last result.",
    );
    expect(explainNode({ action: "rerun", reasons: ["downstream_of_target", "upstream_changed"] })).toBe(
      "Runs again: it comes after the node you run from; and a node before it runs again.",
    );
    expect(explainNode({ action: "reuse", reasons: [] })).toBe("Reuses its current result: nothing it depends on changed.");
    expect(explainNode({ action: "untouched", reasons: [] })).toMatch(/^Not needed/);
    expect(explainNode(undefined)).toBe("Not in this plan.");
    expect(actionWord("rerun")).toBe("Runs again");
    expect(explainWhy({ action: "rerun", reasons: ["config_changed"] })).toBe("Its settings changed since its last result.");
    expect(explainWhy({ action: "reuse", reasons: [] })).toBe("Nothing it depends on changed.");
  });

  it("summarizes and orders a plan", () => {
    const plan = {
      nodes: {
        c: { action: "untouched", reasons: [], source_generation_id: "" },
        b: { action: "reuse", reasons: [], source_generation_id: "g" },
        a: { action: "rerun", reasons: ["target"], source_generation_id: "" },
        d: { action: "rerun", reasons: ["downstream_of_target"], source_generation_id: "" },
      },
    };
    expect(summarize(plan)).toMatchObject({ rerun: 2, reuse: 1, untouched: 1, text: "2 nodes run again, 1 reused, 1 not needed" });
    expect(planOrder(plan).map(([id]) => id)).toEqual(["a", "d", "b", "c"]);
  });

  it("orders numbered ids by their numbers", () => {
    const rerun = { action: "rerun", reasons: ["changed"], source_generation_id: "" };
    const plan = { nodes: { n10: rerun, n2: rerun, n1000: rerun, n1: rerun, in: rerun } };
    expect(planOrder(plan).map(([id]) => id)).toEqual(["in", "n1", "n2", "n10", "n1000"]);
  });

  it("says why a node is out of date", () => {
    expect(staleReasons(["target", "config_changed", "no_prior_result", "file_changed"])).toEqual([
      "config_changed",
      "file_changed",
    ]);
    expect(staleText(["target"])).toBe("");
    expect(staleText(["file_changed"])).toBe("Out of date: its linked file changed on disk.");
  });
});
