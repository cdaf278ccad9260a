// The workflow file the window was started with (`flowbench FILE.json`, a double-click in the
// file manager): the backend imports it after startup and says "openfile"; the window takes the
// result once (on load and on the event, whichever sees it first) and opens the workflow, or
// says on the dashboard why the file could not be opened.
import { onEvent } from "../api/events";
import type { OpenedFile } from "../api/types";

/** What the window does with a taken result. */
export type OpenedOutcome =
  | { kind: "none" }
  | { kind: "error"; message: string }
  | { kind: "open"; workflowId: string; message: string };

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/** openedOutcome turns the backend's result into what the window shows. */
export function openedOutcome(r: OpenedFile | null | undefined): OpenedOutcome {
  if (!r || !r.path) return { kind: "none" };
  const name = baseName(r.path);
  if (r.error || !r.workflow_id) {
    return { kind: "error", message: `Could not open ${name}: ${r.error || "the import gave no workflow"}` };
  }
  const message = r.created ? `Opened ${name} (imported as ${r.version_label}).` : `Opened ${name} (${r.version_label}).`;
  return { kind: "open", workflowId: r.workflow_id, message };
}

/**
 * watchOpenedFile listens to "openfile" and takes the result now too (the import may have
 * finished before the page listened); apply gets each outcome that is not "none". It returns
 * the function that stops listening.
 */
export function watchOpenedFile(take: () => Promise<OpenedFile>, apply: (o: OpenedOutcome) => void): () => void {
  const check = async () => {
    let o: OpenedOutcome;
    try {
      o = openedOutcome(await take());
    } catch (e) {
      o = { kind: "error", message: `Could not open the file: ${(e as Error).message}` };
    }
    // Applied even after stop: a result taken is gone from the backend (React's strict mode
    // mounts, unmounts and mounts again while the first take is under way).
    if (o.kind !== "none") apply(o);
  };
  const off = onEvent("openfile", () => void check());
  void check();
  return off;
}
