import { beforeEach, describe, expect, it, vi } from "vitest";
import { abVersion, testDetail } from "../lib/testworkflow";

const api = vi.hoisted(() => ({
  planFrom: vi.fn(),
  planGraphPatch: vi.fn(),
  planChanged: vi.fn(),
  planGraphPatchChanged: vi.fn(),
  listWorkflows: vi.fn(),
}));
vi.mock("../api/backend", () => ({ api }));

import { graphOf, useGraph } from "./graph";
import { closePlan, planOpen, previewChanged, previewPlan, usePlan } from "./plan";

const v1 = abVersion();
const plan = (changed: boolean) => ({ workflow_id: "w", version_id: "", from: changed ? "" : "b", changed, nodes: {}, rerun: 1, reuse: 1 });

describe("the plan preview", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    closePlan();
    useGraph.getState().load(testDetail(v1));
    for (const f of [api.planFrom, api.planGraphPatch]) f.mockResolvedValue(plan(false));
    for (const f of [api.planChanged, api.planGraphPatchChanged]) f.mockResolvedValue(plan(true));
  });

  it("previews Run changed of the saved version when nothing is edited", async () => {
    await previewChanged("w", "v1");
    expect(api.planChanged).toHaveBeenCalledWith("w", "v1");
    expect(api.planFrom).not.toHaveBeenCalled();
    const s = usePlan.getState();
    expect(s.changed && s.from === null && planOpen(s) && s.plan?.changed).toBe(true);
  });

  it("previews Run changed of the edited graph as its patch, and a run from a node the same way", async () => {
    useGraph.getState().edit((f) => ({
      ...f,
      nodes: f.nodes.map((n) => (n.id === "b" ? { ...n, data: { ...n.data, params: { expression: "a + 2" } } } : n)),
    }));
    const patch = { base_version_id: "v1", changed: [graphOf(useGraph.getState()).nodes[1]] };
    await previewChanged("w", "v1");
    expect(api.planGraphPatchChanged).toHaveBeenCalledWith("w", patch);
    await previewPlan("w", "v1", "b");
    expect(api.planGraphPatch).toHaveBeenCalledWith("w", patch, "b");
    const s = usePlan.getState();
    expect([s.from, s.changed]).toEqual(["b", false]);
    closePlan();
    expect(planOpen(usePlan.getState())).toBe(false);
  });
});
