// What subworkflow nodes show (SPEC §15): the pinned version's name, label and handles, and
// whether the child has a newer version. Loaded per (workflow, version) on first use and kept;
// refresh() asks again (after a save, a re-pin or "update available" may have changed).
import { create } from "zustand";
import { useShallow } from "zustand/react/shallow";
import { api } from "../api/backend";
import type { HandleSpec, SubflowSpec } from "../api/types";
import { useGraph } from "./graph";

export const SUBWORKFLOW = "flow.subworkflow";

interface SubflowState {
  specs: Record<string, SubflowSpec>;
  errors: Record<string, string>;
  load: (workflowId: string, versionId: string) => Promise<SubflowSpec | null>;
  refresh: () => Promise<void>;
}

const key = (w: string, v: string) => `${w}@${v}`;
const loading = new Map<string, Promise<SubflowSpec | null>>();

export const useSubflows = create<SubflowState>((set, get) => ({
  specs: {},
  errors: {},
  load: (workflowId, versionId) => {
    const k = key(workflowId, versionId);
    const known = get().specs[k];
    if (known) return Promise.resolve(known);
    if (!workflowId) return Promise.resolve(null);
    const pending = loading.get(k);
    if (pending) return pending;
    const p = api
      .subflowSpec(workflowId, versionId)
      .then((spec) => {
        set((s) => ({ specs: { ...s.specs, [k]: spec }, errors: omit(s.errors, k) }));
        return spec;
      })
      .catch((e: Error) => {
        set((s) => ({ errors: { ...s.errors, [k]: e.message } }));
        return null;
      })
      .finally(() => loading.delete(k));
    loading.set(k, p);
    return p;
  },
  refresh: async () => {
    const keys = Object.keys(get().specs);
    set({ specs: {}, errors: {} });
    await Promise.all(keys.map((k) => get().load(...(k.split("@") as [string, string]))));
  },
}));

function omit<T>(o: Record<string, T>, k: string): Record<string, T> {
  if (!(k in o)) return o;
  const next = { ...o };
  delete next[k];
  return next;
}

/** pinOf is the (workflow, version) a subworkflow node's params pin. */
export function pinOf(params: Record<string, unknown> | undefined): { workflow: string; version: string } {
  return { workflow: String(params?.workflow ?? ""), version: String(params?.version ?? "") };
}

/** useSubflowSpec is the spec of a pin (loading it once); undefined while unknown. */
export function useSubflowSpec(workflow: string, version: string): { spec?: SubflowSpec; error?: string } {
  const k = key(workflow, version);
  const [spec, error] = useSubflows(useShallow((s) => [s.specs[k], s.errors[k]] as const));
  if (!spec && !error && workflow && !loading.has(k)) void useSubflows.getState().load(workflow, version);
  return { spec, error };
}

/** subflowHandles are a subworkflow node's handles from its spec (none until it loads). */
export function subflowHandles(params: Record<string, unknown> | undefined): { inputs: HandleSpec[]; outputs: HandleSpec[] } | undefined {
  const { workflow, version } = pinOf(params);
  const spec = useSubflows.getState().specs[key(workflow, version)];
  return spec ? { inputs: spec.inputs ?? [], outputs: spec.outputs ?? [] } : undefined;
}

// A child may have gained versions while another workflow was open, or while the window was
// in the background: specs are asked again when the editor opens a workflow and when the
// window gets the focus back.
useGraph.subscribe((s, prev) => {
  if (s.workflowId !== prev.workflowId) useSubflows.setState({ specs: {}, errors: {} });
});
if (typeof window !== "undefined") window.addEventListener("focus", () => void useSubflows.getState().refresh());
