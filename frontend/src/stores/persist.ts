// Keeps the open workflow's draft in the backend and its problems fresh: every committed edit
// autosaves the graph (SaveDraft, debounced) and asks CheckGraph for problems, each sending
// the graph as its patch of the base version (lib/patch.ts) when the base is known. Backend
// calls for one workflow go one after the other, so a late SaveDraft never lands after a
// version was saved.
import { api } from "../api/backend";
import type { RunTarget } from "./graph";
import { draftPatch, flowOf, graphOf, runTarget, useGraph } from "./graph";
import type { FlowGraph } from "../lib/flowtypes";

export const AUTOSAVE_MS = 500;
export const CHECK_MS = 250;

let chain: Promise<unknown> = Promise.resolve();

/** serial runs backend calls that touch the draft one at a time, in order. */
export function serial<T>(fn: () => Promise<T>): Promise<T> {
  const p = chain.then(fn, fn);
  chain = p.catch(() => undefined);
  return p;
}

let saveTimer: ReturnType<typeof setTimeout> | null = null;
let checkTimer: ReturnType<typeof setTimeout> | null = null;
let savedSeq = 0;
let saving = ""; // the workflow and edit a save in flight sends (flushDraft waits for it through chain)

async function saveNow(): Promise<void> {
  const s = useGraph.getState();
  const wf = s.workflowId;
  if (!wf || s.editSeq === savedSeq || saving === `${wf}:${s.editSeq}`) return;
  const seq = s.editSeq;
  const key = `${wf}:${seq}`;
  saving = key;
  // the patch is made now, from the lists as they are: the call may wait behind another
  const patch = draftPatch(s);
  const backToBase = patch === null;
  const graph = patch === undefined ? graphOf(s) : null;
  useGraph.getState().setSaveStatus("saving");
  try {
    await serial(() => {
      if (backToBase) return api.discardDraft(wf);
      if (!patch) return api.saveDraft(wf, graph!, s.baseVersionId);
      // a refused patch (its base gone from the backend, or a patch that does not fit it) must
      // not lose the edit: the whole graph is saved instead
      return api.saveDraftPatch(wf, patch).catch((e: Error) => {
        console.error("autosave: the draft's patch was refused, saving the whole graph:", e.message);
        return api.saveDraft(wf, graphOf(s), s.baseVersionId);
      });
    });
    savedSeq = seq;
    const now = useGraph.getState();
    if (now.workflowId !== wf) return;
    if (backToBase && now.editSeq === seq) now.markClean();
    now.setSaveStatus(now.editSeq === seq ? "idle" : "pending");
  } catch (e) {
    if (useGraph.getState().workflowId === wf) useGraph.getState().setSaveStatus("error", (e as Error).message);
  } finally {
    if (saving === key) saving = "";
  }
}

async function checkNow(): Promise<void> {
  const s = useGraph.getState();
  const wf = s.workflowId;
  if (!wf) return;
  try {
    const patch = draftPatch(s);
    const problems = patch === undefined ? await api.checkGraph(graphOf(s)) : await api.checkGraphPatch(wf, patch ?? { base_version_id: s.base!.versionId });
    useGraph.getState().setProblems(wf, problems);
  } catch (e) {
    console.error("checking graph", e);
  }
}

/** flushDraft saves a pending draft now (before switching versions, leaving the editor). */
export async function flushDraft(): Promise<void> {
  if (saveTimer) {
    clearTimeout(saveTimer);
    saveTimer = null;
  }
  await saveNow();
  await chain;
}

/** What startEdited started, with the edit it was sent at and the canvas it was sent from. */
export interface StartedEdited<T> {
  out: T;
  seq: number;
  sent: FlowGraph;
}

/**
 * startEdited starts a run (or runs) of the edited graph, or saves it as a version, sending it
 * as target, without saving the pending draft first: a start or save that makes the graph a
 * new version drops the draft, so the draft saved just before it would be written only to be
 * dropped (on a 10,000-node graph the autosave's work in the backend, ~5–8 ms, was part of the
 * click). savedVersion tells from the answer whether it saved one; when it did not (the graph
 * equals a version already), the draft is saved after the start, and when the start is
 * refused, before the error is passed on, so no edit is left unsaved.
 */
export async function startEdited<T>(start: (target: RunTarget) => Promise<T>, savedVersion: (out: T) => boolean): Promise<StartedEdited<T>> {
  if (saveTimer) {
    clearTimeout(saveTimer);
    saveTimer = null;
  }
  const s = useGraph.getState();
  const target = runTarget(s);
  const sent = flowOf(s);
  const seq = s.editSeq;
  let out: T;
  try {
    out = await serial(() => start(target));
  } catch (e) {
    await flushDraft();
    throw e;
  }
  const now = useGraph.getState();
  if (now.workflowId === s.workflowId) {
    if (!savedVersion(out)) void flushDraft();
    else {
      savedSeq = seq;
      if (now.editSeq === seq) now.setSaveStatus("idle");
    }
  }
  return { out, seq, sent };
}

/** cancelPendingSave forgets an unsaved autosave (the graph is being saved as a version). */
export function cancelPendingSave(): void {
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = null;
  savedSeq = useGraph.getState().editSeq;
}

/** startDocSync follows the open workflow's edits until the returned stop is called. */
export function startDocSync(): () => void {
  savedSeq = useGraph.getState().editSeq;
  void checkNow();
  const unsub = useGraph.subscribe((s, prev) => {
    if (s.workflowId !== prev.workflowId) {
      savedSeq = s.editSeq;
      void checkNow();
      return;
    }
    if (s.editSeq === prev.editSeq) return;
    if (s.dragging) return; // saved when the drag ends
    useGraph.getState().setSaveStatus("pending");
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      saveTimer = null;
      void saveNow();
    }, AUTOSAVE_MS);
    if (checkTimer) clearTimeout(checkTimer);
    checkTimer = setTimeout(() => {
      checkTimer = null;
      void checkNow();
    }, CHECK_MS);
  });
  const onHide = () => {
    if (document.visibilityState === "hidden") void flushDraft();
  };
  const onUnload = () => void flushDraft();
  document.addEventListener("visibilitychange", onHide);
  window.addEventListener("beforeunload", onUnload);
  return () => {
    unsub();
    document.removeEventListener("visibilitychange", onHide);
    window.removeEventListener("beforeunload", onUnload);
    void flushDraft();
    if (checkTimer) clearTimeout(checkTimer);
    checkTimer = null;
  };
}

/** recheck asks CheckGraph again (after a version switch or load). */
export function recheck(): void {
  void checkNow();
}
