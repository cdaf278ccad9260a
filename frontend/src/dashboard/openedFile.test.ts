import { describe, expect, it } from "vitest";
import { emit } from "../api/events";
import type { OpenedFile } from "../api/types";
import { openedOutcome, watchOpenedFile, type OpenedOutcome } from "./openedFile";

const none: OpenedFile = { path: "", workflow_id: "", version_label: "", created: false, error: "" };

describe("the file the window was started with", () => {
  it("opens the imported workflow or says why not", () => {
    expect(openedOutcome(none)).toEqual({ kind: "none" });
    expect(openedOutcome({ ...none, path: "/h/x.flowbench.json", workflow_id: "w1", version_label: "v1", created: true })).toEqual({
      kind: "open",
      workflowId: "w1",
      message: "Opened x.flowbench.json (imported as v1).",
    });
    expect(openedOutcome({ ...none, path: "/h/bad.flowbench.json", error: "line 1: unexpected end of JSON input" })).toEqual({
      kind: "error",
      message: "Could not open bad.flowbench.json: line 1: unexpected end of JSON input",
    });
  });

  it("takes the result on load and again on the event, applying it once", async () => {
    let pending: OpenedFile | null = null;
    const take = async () => {
      const r = pending ?? none;
      pending = null;
      return r;
    };
    const seen: OpenedOutcome[] = [];
    const stop = watchOpenedFile(take, (o) => seen.push(o));
    await Promise.resolve();
    expect(seen).toEqual([]); // the import has not finished yet
    pending = { ...none, path: "/x.json", workflow_id: "w2", version_label: "v1", created: true };
    emit("openfile", "/x.json");
    emit("openfile", "/x.json");
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([{ kind: "open", workflowId: "w2", message: "Opened x.json (imported as v1)." }]);
    stop();
    pending = { ...none, path: "/y.json", error: "boom" };
    emit("openfile", "/y.json");
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toHaveLength(1);
  });

  it("a failing call is an error, not a crash", async () => {
    const seen: OpenedOutcome[] = [];
    const stop = watchOpenedFile(() => Promise.reject(new Error("bridge gone")), (o) => seen.push(o));
    await new Promise((r) => setTimeout(r, 0));
    stop();
    expect(seen).toEqual([{ kind: "error", message: "Could not open the file: bridge gone" }]);
  });
});
