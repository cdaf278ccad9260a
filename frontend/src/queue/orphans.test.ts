import { describe, expect, it } from "vitest";
import { doneMessage, moreLine, orphanLine, orphansTitle } from "./orphans";

describe("orphaned runs question", () => {
  it("counts runs in the title", () => {
    expect(orphansTitle(1)).toBe("1 queued run from a previous session");
    expect(orphansTitle(1500)).toBe("1500 queued runs from a previous session");
  });
  it("names a run by workflow, version and label", () => {
    const r = { id: "r", workflow_id: "w", workflow_name: "Seed sweep", version_label: "v2", label: "n=3", created_at: "" };
    expect(orphanLine(r)).toBe("Seed sweep v2 · n=3");
    expect(orphanLine({ ...r, workflow_name: "" })).toBe("a deleted workflow v2 · n=3");
  });
  it("says how many the list leaves out", () => {
    const run = { id: "r", workflow_id: "w", workflow_name: "W", version_label: "v1", label: "Run #1", created_at: "" };
    expect(moreLine({ count: 3, runs: [run, run, run] })).toBe("");
    expect(moreLine({ count: 12, runs: [run, run] })).toBe("and 10 more");
  });
  it("reports the answer", () => {
    expect(doneMessage("resume", 1)).toBe("Resumed 1 run: they start as slots free.");
    expect(doneMessage("cancel", 7)).toBe("Cancelled 7 runs.");
  });
});
