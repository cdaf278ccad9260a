import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "../api/backend";
import type { Generation } from "../api/types";
import { applyNodeEvents, becomesCurrent, loadCurrent, resetCurrent, useCurrentGens } from "./currentGens";
import ruleCases from "../../../testdata/rules/current-generation.json";

const gen = (id: string, node: string, value: unknown, selected = false): Generation =>
  ({ id, node_id: node, outputs: { result: value }, selected }) as unknown as Generation;

describe("current generations", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    resetCurrent();
  });

  it("loads every node's current generation in one call", async () => {
    const spy = vi.spyOn(api, "currentGenerations").mockResolvedValue({ a: gen("g1", "a", 42), b: gen("g2", "b", "hi", true) });
    await loadCurrent("w");
    expect(spy).toHaveBeenCalledTimes(1);
    const s = useCurrentGens.getState();
    expect(s.workflowId).toBe("w");
    expect(s.byNode.a).toMatchObject({ id: "g1", picked: false });
    expect(s.byNode.b).toMatchObject({ id: "g2", picked: true });
    expect(s.rev).toEqual({});
  });

  it("marks the named nodes changed when another process changed the workflow", async () => {
    vi.spyOn(api, "currentGenerations").mockResolvedValueOnce({ a: gen("g1", "a", 1) }).mockResolvedValueOnce({ a: gen("g9", "a", 9) });
    await loadCurrent("w");
    await loadCurrent("w", ["a", "b"]);
    const s = useCurrentGens.getState();
    expect(s.byNode.a?.id).toBe("g9");
    expect(s.rev).toEqual({ a: 1, b: 1 });
  });

  it("keeps what node events said while the answer was on its way", async () => {
    let answer: (v: Record<string, Generation>) => void = () => {};
    vi.spyOn(api, "currentGenerations").mockReturnValue(new Promise((r) => (answer = r)));
    useCurrentGens.setState({ workflowId: "w", byNode: {}, rev: {} });
    const loading = loadCurrent("w");
    // this window's run finishes a (newer) generation of a before the answer lands
    applyNodeEvents([{ type: "node", workflow_id: "w", run_id: "r", node_id: "a", status: "executed", generation_id: "new", time: 1 }]);
    answer({ a: gen("old", "a", 1), b: gen("gb", "b", 2) });
    await loading;
    const s = useCurrentGens.getState();
    expect(s.byNode.a?.id).toBe("new");
    expect(s.byNode.b?.id).toBe("gb");
  });

  it("drops an answer that arrives after the workflow closed", async () => {
    let answer: (v: Record<string, Generation>) => void = () => {};
    vi.spyOn(api, "currentGenerations").mockReturnValue(new Promise((r) => (answer = r)));
    const loading = loadCurrent("w");
    resetCurrent();
    answer({ a: gen("g1", "a", 1) });
    await loading;
    expect(useCurrentGens.getState().byNode).toEqual({});
  });
});

describe("the current-generation rule (mirror of engine/current.go)", () => {
  // the same cases engine/current_test.go reads
  for (const c of ruleCases.cases) {
    it(c.name, () => {
      const cur = c.current ? { picked: c.current.selected } : undefined;
      expect(becomesCurrent(cur, c.status)).toBe(c.becomes_current);
    });
  }
});
