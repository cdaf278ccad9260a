import { describe, expect, it } from "vitest";
import { overlayOpen, overlayRuns } from "./QueueOverlay";

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
