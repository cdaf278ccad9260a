import { describe, expect, it } from "vitest";
import { fallbackFocus, groupRuns, resolveFocus, runDuration, sectionOf, type LensRun } from "./lens";

let n = 0;
function run(p: Partial<LensRun>): LensRun {
  n++;
  return {
    id: `r${n}`,
    workflow_id: "wf",
    label: `Run #${n}`,
    version_label: "v1",
    status: "completed",
    queue_position: 0,
    created_at: `2026-01-01T00:00:${String(n).padStart(2, "0")}Z`,
    started_at: "",
    finished_at: "",
    number: n,
    ...p,
  };
}

describe("sections", () => {
  it("puts paused runs with running ones, finished ones in done", () => {
    expect(sectionOf("paused")).toBe("running");
    expect(sectionOf("queued")).toBe("queued");
    for (const s of ["completed", "failed", "cancelled", "interrupted"]) expect(sectionOf(s)).toBe("done");
  });

  it("groups runs of every workflow: running newest first, queued by position, done by finish", () => {
    const a = run({ status: "running", workflow_id: "a" });
    const b = run({ status: "running", workflow_id: "b" });
    const q2 = run({ status: "queued", queue_position: 2 });
    const q1 = run({ status: "queued", queue_position: 1 });
    const d1 = run({ status: "completed", finished_at: "2026-01-01T00:02:00Z" });
    const d2 = run({ status: "failed", finished_at: "2026-01-01T00:01:00Z" });
    const g = groupRuns([d2, q2, a, d1, q1, b]);
    expect(g.running.map((r) => r.id)).toEqual([b.id, a.id]);
    expect(g.queued.map((r) => r.id)).toEqual([q1.id, q2.id]);
    expect(g.done.map((r) => r.id)).toEqual([d1.id, d2.id]);
  });

  it("caps the done section", () => {
    const runs = Array.from({ length: 30 }, () => run({ status: "completed" }));
    expect(groupRuns(runs, 5).done).toHaveLength(5);
  });
});

describe("focus", () => {
  it("falls back to the latest active run of the workflow", () => {
    const old = run({ status: "running" });
    const latest = run({ status: "queued", queue_position: 1 });
    const done = run({ status: "completed", finished_at: "2026-02-01T00:00:00Z" });
    const other = run({ status: "running", workflow_id: "other" });
    expect(fallbackFocus([old, latest, done, other], "wf")).toBe(latest.id);
  });

  it("falls back to the latest finished run when nothing is active", () => {
    const a = run({ status: "completed", finished_at: "2026-01-01T00:05:00Z" });
    const b = run({ status: "failed", finished_at: "2026-01-01T00:09:00Z" });
    const c = run({ status: "cancelled", finished_at: "2026-01-01T00:07:00Z" });
    expect(fallbackFocus([a, b, c], "wf")).toBe(b.id);
    expect(fallbackFocus([a, b, c], "none")).toBeNull();
  });

  it("keeps a picked run while it exists, of that workflow only", () => {
    const a = run({ status: "completed", finished_at: "2026-01-01T00:05:00Z" });
    const b = run({ status: "running" });
    const x = run({ status: "running", workflow_id: "other" });
    const byId = { [a.id]: a, [b.id]: b, [x.id]: x };
    expect(resolveFocus(byId, "wf", a.id)).toBe(a.id); // a finished pick stays picked
    expect(resolveFocus(byId, "wf", "gone")).toBe(b.id); // removed → latest active
    expect(resolveFocus(byId, "wf", x.id)).toBe(b.id); // never another workflow's run
    expect(resolveFocus(byId, "wf", null)).toBe(b.id);
    const { [b.id]: _removed, ...withoutB } = byId;
    void _removed;
    expect(resolveFocus(withoutB, "wf", b.id)).toBe(a.id); // → latest finished
  });
});

describe("duration", () => {
  it("measures from start to finish, or to now while active", () => {
    const start = "2026-01-01T00:00:00Z";
    expect(runDuration({ status: "queued", started_at: "", finished_at: "" }, 0)).toBeNull();
    expect(runDuration({ status: "running", started_at: start, finished_at: "" }, Date.parse(start) + 1500)).toBe(1500);
    expect(runDuration({ status: "completed", started_at: start, finished_at: "2026-01-01T00:00:02Z" }, 9e15)).toBe(2000);
  });
});
