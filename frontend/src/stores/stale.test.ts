import { describe, expect, it } from "vitest";
import type { Plan } from "../plan/reasons";
import { planNodeOf } from "./plan";
import { sinks, staleFromPlans } from "./stale";

const plan = (nodes: Record<string, [string, string[]]>): Plan => ({
  workflow_id: "wf",
  version_id: "v",
  from: "",
  rerun: 0,
  reuse: 0,
  nodes: Object.fromEntries(Object.entries(nodes).map(([id, [action, reasons]]) => [id, { action, reasons, source_generation_id: "" }])),
});

describe("stale marks", () => {
  const edges = [
    { source: "a", target: "b" },
    { source: "b", target: "c" },
    { source: "x", target: "c" },
  ];

  it("finds the sinks a plan must start from to cover the graph", () => {
    expect(sinks(["a", "b", "c", "x"], edges)).toEqual(["c"]);
  });

  it("marks nodes whose settings, file or read values changed, and what they feed", () => {
    const marks = staleFromPlans(
      [
        plan({
          a: ["rerun", ["config_changed"]],
          b: ["rerun", ["upstream_changed"]],
          c: ["rerun", ["target", "upstream_changed"]],
          x: ["reuse", []],
        }),
      ],
      edges,
    );
    expect(Object.keys(marks).sort()).toEqual(["a", "b", "c"]);
    expect(marks.a.text).toBe("Out of date: its settings changed since its last result.");
    expect(marks.c.reasons).toEqual(["upstream_changed"]);
  });

  it("still marks a node the cache will serve: its current result is not the one its inputs give", () => {
    const marks = staleFromPlans(
      [
        plan({
          a: ["reuse", ["input_changed", "cached"]],
          b: ["reuse", ["upstream_changed", "cached"]],
          c: ["rerun", ["target", "upstream_changed"]],
          x: ["reuse", ["cached"]],
        }),
      ],
      edges,
    );
    expect(Object.keys(marks).sort()).toEqual(["a", "b", "c"]);
    expect(marks.a.reasons).toEqual(["input_changed"]);
  });

  it("does not call a node without a result, or after a failed one, stale", () => {
    const marks = staleFromPlans(
      [
        plan({
          a: ["rerun", ["prior_error"]],
          b: ["rerun", ["upstream_changed"]],
          c: ["rerun", ["target", "no_prior_result", "upstream_changed"]],
        }),
      ],
      edges,
    );
    expect(marks).toEqual({});
  });

  it("reads one node's decision only for the plan's workflow", () => {
    const s = { workflowId: "wf", from: "c", changed: false, plan: plan({ c: ["rerun", ["target"]] }), loading: false, error: null, sources: {} };
    expect(planNodeOf(s, "wf", "c")?.action).toBe("rerun");
    expect(planNodeOf(s, "other", "c")).toBeUndefined();
  });
});
