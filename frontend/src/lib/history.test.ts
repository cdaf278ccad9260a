import { describe, expect, it } from "vitest";
import { emptyHistory, HISTORY_LIMIT, record, redo, undo } from "./history";

describe("undo/redo history", () => {
  it("undoes and redoes snapshots in order", () => {
    let h = emptyHistory<number>();
    h = record(h, 0);
    h = record(h, 1); // state is now 2
    const u1 = undo(h, 2)!;
    expect(u1.state).toBe(1);
    const u2 = undo(u1.history, 1)!;
    expect(u2.state).toBe(0);
    expect(undo(u2.history, 0)).toBeNull();
    const r1 = redo(u2.history, 0)!;
    expect(r1.state).toBe(1);
    const r2 = redo(r1.history, 1)!;
    expect(r2.state).toBe(2);
    expect(redo(r2.history, 2)).toBeNull();
  });

  it("drops the redo future on a new edit", () => {
    let h = record(emptyHistory<string>(), "a");
    h = undo(h, "b")!.history;
    expect(h.future).toEqual(["b"]);
    h = record(h, "a");
    expect(h.future).toEqual([]);
  });

  it("merges a burst of edits under one key into one step", () => {
    let h = emptyHistory<string>();
    h = record(h, "", "type", 1000);
    h = record(h, "H", "type", 1200);
    h = record(h, "He", "type", 1400);
    expect(h.past).toEqual([""]);
    h = record(h, "Hello", "type", 5000); // after a pause: a new step
    expect(h.past).toEqual(["", "Hello"]);
    h = record(h, "Hello!", "other", 5100);
    expect(h.past.length).toBe(3);
  });

  it("keeps at most HISTORY_LIMIT steps", () => {
    let h = emptyHistory<number>();
    for (let i = 0; i < HISTORY_LIMIT + 20; i++) h = record(h, i);
    expect(h.past.length).toBe(HISTORY_LIMIT);
    expect(h.past[0]).toBe(20);
  });
});
