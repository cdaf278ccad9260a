// The compare view's calls to the backend (SPEC §13), typed like api/backend.ts.
import * as App from "../../wailsjs/go/main/App";
import { toError } from "../api/backend";
import type { Generation, Graph, Plain, RunInfo, Version } from "../api/types";
import type { engine } from "../../wailsjs/go/models";
import type { GraphDiff, NodeDiff, Pair } from "./logic";

export interface RunDiff {
  a: string;
  b: string;
  workflows?: { a: string; b: string; same: boolean };
  version: { a: string; b: string; same: boolean };
  inputs: Record<string, Pair>;
  graph: GraphDiff;
  nodes: Record<string, NodeDiff>;
  outputs: Record<string, { a: unknown; b: unknown; same: boolean }>;
}

export interface CompareRuns {
  diff: RunDiff;
  run_a: RunInfo;
  run_b: RunInfo;
  graph_a: Graph;
  /** null when both runs ran the same version */
  graph_b: Graph | null;
}

export interface VersionDiff {
  graph: GraphDiff;
  inputs_added: string[];
  inputs_removed: string[];
  inputs_changed: Record<string, Record<string, Pair>>;
}

export interface CompareVersions {
  diff: VersionDiff;
  version_a: Version;
  version_b: Version;
}

export type RestoreResult = Plain<engine.RestoreResult>;

async function call<T>(p: () => Promise<unknown>): Promise<T> {
  try {
    return (await p()) as T;
  } catch (e) {
    throw toError(e);
  }
}

function fillGraph(g: GraphDiff | null | undefined): GraphDiff {
  return {
    nodes_added: g?.nodes_added ?? [],
    nodes_removed: g?.nodes_removed ?? [],
    nodes_changed: g?.nodes_changed ?? {},
    edges_added: g?.edges_added ?? [],
    edges_removed: g?.edges_removed ?? [],
  };
}

export const compareApi = {
  compareRuns: (a: string, b: string) =>
    call<CompareRuns>(() => App.CompareRuns(a, b)).then((r) => {
      r.diff.graph = fillGraph(r.diff.graph);
      r.diff.inputs ??= {};
      r.diff.nodes ??= {};
      r.diff.outputs ??= {};
      return r;
    }),
  compareVersions: (workflowId: string, a: string, b: string) =>
    call<CompareVersions>(() => App.CompareVersions(workflowId, a, b)).then((r) => {
      r.diff.graph = fillGraph(r.diff.graph);
      return r;
    }),
  generations: (ids: string[]) =>
    ids.length ? call<Record<string, Generation>>(() => App.Generations(ids)).then((m) => m ?? {}) : Promise.resolve({} as Record<string, Generation>),
  restoreRun: (runId: string) => call<RestoreResult>(() => App.RestoreRun(runId)),
  undoRestore: (workflowId: string) => call<RestoreResult>(() => App.UndoRestore(workflowId)),
  restoredRun: (workflowId: string) => call<string>(() => App.RestoredRun(workflowId)),
};
