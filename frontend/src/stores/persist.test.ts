import { beforeEach, describe, expect, it, vi } from "vitest";
import { abVersion, testDetail } from "../lib/testworkflow";

const api = vi.hoisted(() => ({
  saveDraftPatch: vi.fn(),
  saveDraft: vi.fn(),
  discardDraft: vi.fn(),
}));
vi.mock("../api/backend", () => ({ api }));

import { graphOf, useGraph } from "./graph";
import { cancelPendingSave, flushDraft, startEdited } from "./persist";

const v1 = abVersion();
const detail = testDetail(v1);

const editB = (expression: string) =>
  useGraph.getState().edit((f) => ({
    ...f,
    nodes: f.nodes.map((n) => (n.id === "b" ? { ...n, data: { ...n.data, params: { expression } } } : n)),
  }));

describe("autosave", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.saveDraftPatch.mockResolvedValue(undefined);
    api.saveDraft.mockResolvedValue(undefined);
    api.discardDraft.mockResolvedValue(undefined);
    useGraph.getState().load(detail);
    cancelPendingSave(); // what the backend holds is what was loaded (startDocSync's start)
  });

  it("saves an edit as its patch of the base version, and discards the draft back at the base", async () => {
    editB("a + 2");
    await flushDraft();
    expect(api.saveDraftPatch).toHaveBeenCalledWith("w", { base_version_id: "v1", changed: [graphOf(useGraph.getState()).nodes[1]] });
    expect(api.saveDraft).not.toHaveBeenCalled();
    useGraph.getState().undo();
    await flushDraft();
    expect(api.discardDraft).toHaveBeenCalledWith("w");
    expect(useGraph.getState().dirty).toBe(false);
  });

  it("saves the whole graph when the backend refuses the patch", async () => {
    api.saveDraftPatch.mockRejectedValue(new Error("the base version v1 of the edited graph's patch is not a version of \"W\": not found"));
    vi.spyOn(console, "error").mockImplementation(() => {});
    editB("a + 3");
    await flushDraft();
    expect(api.saveDraft).toHaveBeenCalledWith("w", graphOf(useGraph.getState()), "v1");
    expect(useGraph.getState().saveStatus).toBe("idle");
  });

  it("starts a run of the edited graph without saving the draft it saves as a version", async () => {
    editB("a + 4");
    const start = vi.fn().mockResolvedValue({ saved_version: "v2" });
    const { seq } = await startEdited(start, (info: { saved_version: string }) => !!info.saved_version);
    expect(start).toHaveBeenCalledWith({ patch: { base_version_id: "v1", changed: [graphOf(useGraph.getState()).nodes[1]] } });
    expect(seq).toBe(useGraph.getState().editSeq);
    await flushDraft();
    expect(api.saveDraftPatch).not.toHaveBeenCalled();
    expect(useGraph.getState().saveStatus).toBe("idle");
  });

  it("saves the draft when the start is refused, before passing the error on", async () => {
    editB("a + 5");
    const refused = new Error('node "b": expression: bad');
    const start = vi.fn().mockImplementation(async () => {
      expect(api.saveDraftPatch).not.toHaveBeenCalled();
      throw refused;
    });
    await expect(startEdited(start, () => true)).rejects.toBe(refused);
    expect(api.saveDraftPatch).toHaveBeenCalledTimes(1);
  });

  it("saves the draft after a start that saved no version (the graph equals one already)", async () => {
    editB("a + 6");
    await startEdited(vi.fn().mockResolvedValue({ saved_version: "" }), (info: { saved_version: string }) => !!info.saved_version);
    await flushDraft();
    expect(api.saveDraftPatch).toHaveBeenCalledTimes(1);
  });
});
