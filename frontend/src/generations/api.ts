// Typed wrappers over the bindings part 2 of the window uses (generations, plans, batches,
// the run cap, media import). Rejections become Errors with the backend's message.
import * as App from "../../wailsjs/go/main/App";
import { toError } from "../api/backend";
import type { AssetRef, Graph, RunInfo } from "../api/types";
import type { Plan } from "../plan/reasons";
import type { Timeline } from "./timeline";

async function call<T>(p: () => Promise<unknown>): Promise<T> {
  try {
    return (await p()) as T;
  } catch (e) {
    throw toError(e);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

export const api2 = {
  nodeTimeline: (workflowId: string, nodeId: string) =>
    call<Timeline>(() => App.NodeTimeline(workflowId, nodeId)).then((t) => ({ ...t, generations: t?.generations ?? [] })),
  selectGeneration: (workflowId: string, nodeId: string, generationId: string) =>
    call<void>(() => App.SelectGeneration(workflowId, nodeId, generationId)),
  deleteGeneration: (generationId: string) => call<void>(() => App.DeleteGeneration(generationId)),
  planFrom: (workflowId: string, versionId: string, nodeId: string, inputs: Record<string, unknown> = {}) =>
    call<Plan>(() => App.PlanFrom(workflowId, versionId, nodeId, inputs)),
  startBatch: (req: { workflow_id: string; graph?: Graph; version_id?: string }, inputs: Record<string, unknown>[]) =>
    call<RunInfo[]>(() => App.StartBatch({ version_id: "", inputs: {}, from: "", ...req } as Loose, inputs)).then((l) => l ?? []),
  getRunCap: () => call<number>(() => App.GetRunCap()),
  setRunCap: (n: number) => call<void>(() => App.SetRunCap(n)),
  importMedia: (path: string, kind: string) => call<AssetRef>(() => App.ImportMedia(path, kind)),
};
