import { describe, expect, it, vi } from "vitest";

describe("backend events", () => {
  it("delivers a batch of node events one by one, in order", async () => {
    const handlers = new Map<string, (payload: unknown) => void>();
    (globalThis as unknown as { window: unknown }).window = {
      runtime: { EventsOn: (name: string, cb: (payload: unknown) => void) => (handlers.set(name, cb), () => undefined) },
    };
    const { onEvent } = await import("./events");
    const seen: string[] = [];
    onEvent("node", (e) => seen.push(`${e.run_id}:${e.node_id}`));
    handlers.get("node")!([{ run_id: "r1", node_id: "a" }, { run_id: "r1", node_id: "b" }]);
    handlers.get("node")!({ run_id: "r2", node_id: "c" });
    expect(seen).toEqual(["r1:a", "r1:b", "r2:c"]);
  });

  it("hands each item of a node batch to the listeners of its own type", async () => {
    const handlers = new Map<string, (payload: unknown) => void>();
    (globalThis as unknown as { window: unknown }).window = {
      runtime: { EventsOn: (name: string, cb: (payload: unknown) => void) => (handlers.set(name, cb), () => undefined) },
    };
    vi.resetModules();
    const { onEvent } = await import("./events");
    const seen: string[] = [];
    const offs = [
      onEvent("node", (e) => seen.push(`node:${e.node_id}`)),
      onEvent("progress", (e) => seen.push(`progress:${e.node_id ?? ""}:${e.progress}`)),
      onEvent("log", (e) => seen.push(`log:${e.text}`)),
    ];
    handlers.get("node")!([
      { type: "node", run_id: "r1", node_id: "a", status: "running" },
      { type: "progress", run_id: "r1", node_id: "a", progress: 1 },
      { type: "log", run_id: "r1", node_id: "a", text: "hi" },
      { type: "node", run_id: "r1", node_id: "a", status: "executed" },
      { type: "progress", run_id: "r1", done: 1, total: 2 },
    ]);
    expect(seen).toEqual(["node:a", "progress:a:1", "log:hi", "node:a", "progress::undefined"]);
    offs.forEach((off) => off());
  });
});
