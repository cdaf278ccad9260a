import { describe, expect, it } from "vitest";

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
});
