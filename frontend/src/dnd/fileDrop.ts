// Files dropped from the OS (the Wails "filedrop" event: window point + paths). Dropped on a
// media field of the run form, a file fills it; dropped on the canvas, each file becomes the
// matching load node at the drop point — copied into the asset store (ImportMedia) or, with
// a modifier key held or chosen afterwards, linked by path and watched.
import { api } from "../api/backend";
import type { FileDrop } from "../api/types";
import type { FbNode } from "../lib/flowtypes";
import { FB_NODE } from "../lib/flowtypes";
import { selectOnly } from "../lib/graphops";
import { baseIdFor, uniqueId } from "../lib/ids";
import { defaultParams } from "../lib/params";
import { useCatalog } from "../stores/catalog";
import { graphOf, useGraph } from "../stores/graph";
import { useDropChoice, type DropResult } from "../stores/dropChoice";
import { toast } from "../stores/ui";
import { baseName, loadParams, placeDrop, type DropMode, type MediaKind } from "./dropmap";

/** FIELD_DROP_EVENT is dispatched on a run form media field a file was dropped on. */
export const FIELD_DROP_EVENT = "fb-filedrop";
export interface FieldDropDetail {
  paths: string[];
}

// ---- modifier keys ----------------------------------------------------------------------
// Held while dropping: link instead of copy. Tracked from key events, since the drop event
// from the OS carries no key state.
let linkHeld = false;
let tracking = false;
function trackModifiers() {
  if (tracking || typeof window === "undefined") return;
  tracking = true;
  const on = (e: KeyboardEvent) => {
    linkHeld = e.altKey || e.ctrlKey || e.metaKey;
  };
  window.addEventListener("keydown", on, true);
  window.addEventListener("keyup", on, true);
  window.addEventListener("blur", () => {
    linkHeld = false;
  });
}

// ---- the drop and the choice popover (its state: stores/dropChoice.ts) ------------------

function patchParams(ids: Map<string, Record<string, unknown>>) {
  useGraph.getState().edit((f) => ({
    ...f,
    nodes: f.nodes.map((n) => {
      const p = ids.get(n.id);
      if (!p) return n;
      const params = { ...n.data.params };
      delete params.asset;
      delete params.path;
      return { ...n, data: { ...n.data, params: { ...params, ...p } } };
    }),
  }));
}

async function importAll(items: { path: string; kind: MediaKind }[]): Promise<(string | null)[]> {
  return Promise.all(
    items.map(async (it) => {
      try {
        const ref = await api.importMedia(it.path, it.kind);
        return ref.asset;
      } catch (e) {
        toast("error", `${baseName(it.path)}: ${(e as Error).message}`);
        return null;
      }
    }),
  );
}

async function watch(workflowId: string) {
  try {
    await api.watchWorkflow(workflowId, graphOf(useGraph.getState()));
  } catch (e) {
    toast("warning", `Watching linked files: ${(e as Error).message}`);
  }
}

/** switchMode turns the nodes of the last drop from copies into links or back. */
export async function switchMode(to: DropMode): Promise<void> {
  const last = useDropChoice.getState().last;
  if (!last || last.mode === to || useGraph.getState().workflowId !== last.workflowId) return;
  const patch = new Map<string, Record<string, unknown>>();
  if (to === "link") {
    for (const n of last.nodes) patch.set(n.id, loadParams("link", n.path));
  } else {
    const shas = await importAll(last.nodes);
    last.nodes.forEach((n, i) => {
      if (shas[i]) patch.set(n.id, loadParams("copy", n.path, shas[i]!));
    });
  }
  patchParams(patch);
  useDropChoice.setState({ last: { ...last, mode: to } });
  if (to === "link") await watch(last.workflowId);
}

// ---- the drop itself --------------------------------------------------------------------

export interface DropContext {
  /** converts a window point to canvas coordinates (React Flow's screenToFlowPosition) */
  toFlow: (p: { x: number; y: number }) => { x: number; y: number };
}

let ctx: DropContext | null = null;

/** setDropContext is called by the canvas while it is shown. */
export function setDropContext(c: DropContext | null): void {
  ctx = c;
  trackModifiers();
}

/** dropOnCanvas adds one load node per loadable file and reports the rest. */
export async function dropOnCanvas(d: FileDrop, mode: DropMode): Promise<DropResult | null> {
  const g = useGraph.getState();
  const wf = g.workflowId;
  if (!wf || !ctx) return null;
  const at = ctx.toFlow({ x: d.x, y: d.y });
  const { placed, rejected } = placeDrop(d.paths, { x: at.x - 100, y: at.y - 30 });
  for (const r of rejected) toast("error", r.message);
  if (placed.length === 0) return null;

  let shas: (string | null)[] = [];
  if (mode === "copy") shas = await importAll(placed.map((p) => p.decision));
  if (useGraph.getState().workflowId !== wf) return null;

  const taken = new Set(useGraph.getState().nodes.map((n) => n.id));
  const types = useCatalog.getState().types;
  const nodes: FbNode[] = [];
  const made: DropResult["nodes"] = [];
  placed.forEach((p, i) => {
    if (mode === "copy" && !shas[i]) return;
    const { nodeType, kind, path, name } = p.decision;
    const id = uniqueId(baseIdFor(nodeType), taken);
    taken.add(id);
    const params = { ...defaultParams(types[nodeType]), ...loadParams(mode, path, shas[i] ?? undefined) };
    delete (params as Record<string, unknown>)[mode === "copy" ? "path" : "asset"];
    nodes.push({ id, type: FB_NODE, position: p.position, data: { type: nodeType, label: name, params }, selected: true });
    made.push({ id, path, kind });
  });
  if (nodes.length === 0) return null;
  useGraph.getState().edit((f) => {
    const sel = selectOnly(f, new Set());
    return { ...sel, nodes: [...sel.nodes, ...nodes] };
  });
  const result: DropResult = { workflowId: wf, mode, nodes: made, at: { x: d.x, y: d.y } };
  useDropChoice.setState({ last: result });
  if (mode === "link") await watch(wf);
  return result;
}

/** handleFileDrop routes a drop to the element under the point. */
export async function handleFileDrop(d: FileDrop): Promise<void> {
  if (!d || !Array.isArray(d.paths) || d.paths.length === 0) return;
  const el = typeof document !== "undefined" ? document.elementFromPoint(d.x, d.y) : null;
  const field = el?.closest<HTMLElement>("[data-drop-input]");
  if (field) {
    field.dispatchEvent(new CustomEvent<FieldDropDetail>(FIELD_DROP_EVENT, { detail: { paths: d.paths } }));
    return;
  }
  if (el?.closest(".canvas") && useGraph.getState().workflowId && ctx) {
    await dropOnCanvas(d, linkHeld ? "link" : "copy");
    return;
  }
  toast("info", "Drop files on the canvas to add load nodes, or on a file field of the run form.");
}
