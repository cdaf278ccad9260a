import { describe, expect, it, vi } from "vitest";

const listings: { id: string; name: string }[][] = [];
vi.mock("../api/backend", () => ({
  api: { listWorkflows: vi.fn(async () => listings.shift() ?? []) },
}));

import { loadNames, useWorkflowNames } from "./workflowNames";

describe("loadNames", () => {
  it("looks once more for a workflow the listing did not have yet, and stops after that", async () => {
    // the first listing was taken a moment before the workflow was imported
    listings.push([], [{ id: "w1", name: "Lens" }]);
    await loadNames(["w1"]);
    await vi.waitFor(() => expect(useWorkflowNames.getState().names.w1).toBe("Lens"));

    // a workflow that never shows up (deleted) is asked about twice, not in a loop
    const { api } = await import("../api/backend");
    const calls = vi.mocked(api.listWorkflows).mock.calls.length;
    await loadNames(["gone"]);
    await new Promise((r) => setTimeout(r, 20));
    await loadNames(["gone"]);
    await new Promise((r) => setTimeout(r, 20));
    expect(vi.mocked(api.listWorkflows).mock.calls.length - calls).toBe(2);
  });
});
