import { describe, expect, it, vi } from "vitest";
import type { RunEvent } from "./types";

/** fakeRuntime installs a Wails runtime whose EventsOn keeps the handlers. */
function fakeRuntime(): Map<string, (payload: unknown) => void> {
  const handlers = new Map<string, (payload: unknown) => void>();
  (globalThis as unknown as { window: unknown }).window = {
    runtime: { EventsOn: (name: string, cb: (payload: unknown) => void) => (handlers.set(name, cb), () => undefined) },
  };
  return handlers;
}

describe("backend events", () => {
  it("take engine events from one Wails event, a list, and hand each item to its type's listeners in order", async () => {
    const handlers = fakeRuntime();
    vi.resetModules();
    const { onEvent } = await import("./events");
    const seen: string[] = [];
    const offs = [
      onEvent("run", (e) => seen.push(`run:${e.status}`)),
      onEvent("node", (e) => seen.push(`node:${e.node_id}`)),
      onEvent("progress", (e) => seen.push(`progress:${e.node_id ?? ""}:${e.progress}`)),
      onEvent("log", (e) => seen.push(`log:${e.text}`)),
      onEvent("stale", (e) => seen.push(`stale:${e.node_id}`)),
    ];
    expect([...handlers.keys()]).toEqual(["events"]);
    handlers.get("events")!([
      { type: "run", run_id: "r1", status: "running" },
      { type: "node", run_id: "r1", node_id: "a", status: "running" },
      { type: "progress", run_id: "r1", node_id: "a", progress: 1 },
      { type: "log", run_id: "r1", node_id: "a", text: "hi" },
      { type: "node", run_id: "r1", node_id: "a", status: "executed" },
      { type: "stale", workflow_id: "w", node_id: "b" },
    ]);
    handlers.get("events")!([{ type: "run", run_id: "r1", status: "completed" }]);
    expect(seen).toEqual(["run:running", "node:a", "progress:a:1", "log:hi", "node:a", "stale:b", "run:completed"]);
    offs.forEach((off) => off());
  });

  it("hand a whole list to batch listeners before the items go out one by one", async () => {
    const handlers = fakeRuntime();
    vi.resetModules();
    const { onEvent, onEvents } = await import("./events");
    const seen: string[] = [];
    const offAll = onEvents((evs) => seen.push(`list:${evs.length}`));
    const offNode = onEvent("node", (e) => seen.push(`node:${e.node_id}`));
    const list: Partial<RunEvent>[] = [
      { type: "node", run_id: "r1", node_id: "a" },
      { type: "node", run_id: "r1", node_id: "b" },
    ];
    handlers.get("events")!(list);
    handlers.get("events")!([]);
    expect(seen).toEqual(["list:2", "node:a", "node:b"]);
    offAll();
    offNode();
  });

  it("keep other window events (menu, file drops) on their own Wails events", async () => {
    const handlers = fakeRuntime();
    vi.resetModules();
    const { onEvent } = await import("./events");
    const seen: string[] = [];
    const off = onEvent("openfile", (p) => seen.push(p));
    handlers.get("openfile")!("/tmp/a.json");
    expect(seen).toEqual(["/tmp/a.json"]);
    off();
  });
});
