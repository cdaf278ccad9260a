// Typed wrappers over the generated Wails bindings. Every call turns a rejection (Wails
// rejects with the Go error's text) into an Error carrying the backend's message, so callers
// can show err.message as is.
import * as App from "../../wailsjs/go/main/App";
import type {
  AssetRef,
  Generation,
  Graph,
  GraphPatch,
  ImportResult,
  MadeSubflow,
  NodeType,
  OpenedFile,
  OrphanedQueue,
  Plan,
  Problem,
  QueueControl,
  RunInfo,
  RunRequest,
  SubflowSpec,
  Timeline,
  Version,
  Workflow,
  WorkflowCard,
  WorkflowDetail,
  WorkflowMeta,
} from "./types";

/** toError makes an Error of whatever a binding rejected with. */
export function toError(e: unknown): Error {
  if (e instanceof Error) return e;
  if (typeof e === "string") return new Error(e);
  if (e && typeof e === "object" && "message" in e && typeof (e as { message: unknown }).message === "string") {
    return new Error((e as { message: string }).message);
  }
  return new Error(String(e));
}

async function call<T>(p: () => Promise<unknown>): Promise<T> {
  try {
    return (await p()) as T;
  } catch (e) {
    throw toError(e);
  }
}

// The bindings' parameter types are the generated classes; plain objects serialise the same.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

/** RunRequestOf is what a run names: a version, or the edited graph whole or as a patch. */
type RunRequestOf = Partial<Omit<RunRequest, "patch">> & { workflow_id: string; patch?: GraphPatch };

export const api = {
  /** The build's version (cli.Version, stamped by make build / make dist). */
  version: () => call<string>(() => App.Version()),
  listWorkflows: () => call<WorkflowCard[]>(() => App.ListWorkflows()).then((l) => l ?? []),
  openWorkflow: (id: string) => call<WorkflowDetail>(() => App.OpenWorkflow(id)),
  /** a workflow and its versions without graphs (lists, the header) */
  workflowMeta: (id: string) => call<WorkflowMeta>(() => App.WorkflowMeta(id)),
  /** a version whole, with its graph (lists of versions come without) */
  getVersion: (workflowId: string, versionId: string) => call<Version>(() => App.GetVersion(workflowId, versionId)),
  createWorkflow: (name: string) => call<Workflow>(() => App.CreateWorkflow(name)),
  renameWorkflow: (id: string, name: string) => call<Workflow>(() => App.RenameWorkflow(id, name)),
  duplicateWorkflow: (id: string) => call<Workflow>(() => App.DuplicateWorkflow(id)),
  deleteWorkflow: (id: string) => call<void>(() => App.DeleteWorkflow(id)),
  importJSON: (text: string, into = "") => call<ImportResult>(() => App.ImportJSON(text, into)),
  /** importDialog resolves to null when the user cancelled the file dialog. */
  importDialog: () =>
    call<ImportResult>(() => App.ImportDialog()).then((r) => (r && r.workflow_id ? r : null)),
  /** takeOpenedFile is the result of importing the file the window was started with, once. */
  takeOpenedFile: () => call<OpenedFile>(() => App.TakeOpenedFile()),
  exportJSON: (id: string, versionId = "", bundle = false) =>
    call<string>(() => App.ExportJSON(id, versionId, bundle)),
  /** exportDialog resolves to the written path, "" when cancelled. */
  exportDialog: (id: string, versionId = "", bundle = false) =>
    call<string>(() => App.ExportDialog(id, versionId, bundle)),
  nodeTypes: () => call<NodeType[]>(() => App.NodeTypes()).then((l) => l ?? []),
  /** subflowSpec is a workflow version as a subworkflow node shows it ("" version: current). */
  subflowSpec: (workflowId: string, versionId = "") => call<SubflowSpec>(() => App.SubflowSpec(workflowId, versionId)),
  /** makeSubworkflow creates a workflow from the selected nodes; the graph has them replaced. */
  makeSubworkflow: (workflowId: string, g: Graph, nodeIds: string[], name: string) =>
    call<MadeSubflow>(() => App.MakeSubworkflow(workflowId, g as Loose, nodeIds, name)),
  /** makeSubworkflowPatch is makeSubworkflow with the graph as its patch of the base version. */
  makeSubworkflowPatch: (workflowId: string, p: GraphPatch, nodeIds: string[], name: string) =>
    call<MadeSubflow>(() => App.MakeSubworkflowPatch(workflowId, p as Loose, nodeIds, name)),
  childRuns: (runId: string) => call<RunInfo[]>(() => App.ChildRuns(runId)).then((l) => l ?? []),
  deleteWorkflowAnyway: (id: string) => call<void>(() => App.DeleteWorkflowAnyway(id)),
  checkGraph: (g: Graph) => call<Problem[]>(() => App.CheckGraph(g as Loose)).then((l) => l ?? []),
  /** checkGraphPatch checks the editor's graph sent as its patch of the base version. */
  checkGraphPatch: (workflowId: string, p: GraphPatch) =>
    call<Problem[]>(() => App.CheckGraphPatch(workflowId, p as Loose)).then((l) => l ?? []),
  /** nodeDeterministic is one node's answer: image.noise with a seed is deterministic, without one not. */
  nodeDeterministic: (type: string, params: Record<string, unknown>) =>
    call<boolean>(() => App.NodeDeterministic(type, params as Loose)),
  checkInputs: (versionId: string, values: Record<string, unknown>) =>
    call<Problem[]>(() => App.CheckInputs(versionId, values)).then((l) => l ?? []),
  /** checkRunInputs checks run form values against the inputs the editor's graph declares. */
  checkRunInputs: (g: Graph, values: Record<string, unknown>) =>
    call<Problem[]>(() => App.CheckRunInputs(g as Loose, values)).then((l) => l ?? []),
  saveDraft: (workflowId: string, g: Graph, baseVersionId: string) =>
    call<void>(() => App.SaveDraft(workflowId, g as Loose, baseVersionId)),
  /** saveDraftPatch autosaves the editor's graph as its patch of the base version. */
  saveDraftPatch: (workflowId: string, p: GraphPatch) => call<void>(() => App.SaveDraftPatch(workflowId, p as Loose)),
  discardDraft: (workflowId: string) => call<void>(() => App.DiscardDraft(workflowId)),
  saveVersion: (workflowId: string, g: Graph, notes: string) =>
    call<Version>(() => App.SaveVersion(workflowId, g as Loose, notes)),
  /** saveVersionPatch saves the editor's graph, as its patch of the base version, as a version. */
  saveVersionPatch: (workflowId: string, p: GraphPatch, notes: string) =>
    call<Version>(() => App.SaveVersionPatch(workflowId, p as Loose, notes)),
  createVersion: (workflowId: string, fromVersionId: string, notes: string) =>
    call<Version>(() => App.CreateVersion(workflowId, fromVersionId, notes)),
  useVersion: (workflowId: string, versionId: string) =>
    call<Version>(() => App.UseVersion(workflowId, versionId)),
  startRun: (req: RunRequestOf) =>
    call<RunInfo>(() =>
      App.StartRun({ version_id: "", inputs: {}, from: "", ...req } as Loose),
    ),
  cancelRun: (runId: string) => call<void>(() => App.CancelRun(runId)),
  /** orphanedRuns: queued runs left by a process that stopped (how many, the oldest few). */
  orphanedRuns: () => call<OrphanedQueue>(() => App.OrphanedRuns()).then((q) => ({ count: q?.count ?? 0, runs: q?.runs ?? [] })),
  resumeOrphanedRuns: () => call<number>(() => App.ResumeOrphanedRuns()),
  cancelOrphanedRuns: () => call<number>(() => App.CancelOrphanedRuns()),
  getRun: (runId: string) => call<RunInfo>(() => App.GetRun(runId)),
  listRuns: (workflowId: string, limit = 200) =>
    call<RunInfo[]>(() => App.ListRuns(workflowId, limit)).then((l) => l ?? []),
  /** pickMedia resolves to null when the user cancelled the file dialog. */
  pickMedia: (kind: string) =>
    call<AssetRef>(() => App.PickMedia(kind)).then((r) => (r && r.asset ? r : null)),
  /** pickFile resolves to "" when the user cancelled the file dialog. */
  pickFile: (title: string) => call<string>(() => App.PickFile(title)),
  openExternal: (url: string) => call<void>(() => App.OpenExternal(url)),
  watchWorkflow: (workflowId: string, g: Graph) => call<void>(() => App.WatchWorkflow(workflowId, g as Loose)),
  /** startBatch queues one run per inputs object (Run ×N); every entry is checked first. */
  startBatch: (req: RunRequestOf, inputs: Record<string, unknown>[]) =>
    call<RunInfo[]>(() => App.StartBatch({ version_id: "", inputs: {}, from: "", ...req } as Loose, inputs)).then((l) => l ?? []),
  getRunCap: () => call<number>(() => App.GetRunCap()),
  /** queueControl: the data home's queue pause, run cap and when finished runs were cleared. */
  queueControl: () => call<QueueControl>(() => App.GetQueueControl()),
  setQueuePaused: (paused: boolean) => call<QueueControl>(() => App.SetQueuePaused(paused)),
  /** moveQueuedRun puts a queued run where another queued run stands. */
  moveQueuedRun: (runId: string, toRunId: string) => call<void>(() => App.MoveQueuedRun(runId, toRunId)),
  /** retryRun queues a new run of a failed, cancelled or interrupted run ("retry of …"). */
  retryRun: (runId: string) => call<RunInfo>(() => App.RetryRun(runId)),
  clearFinishedRuns: () => call<QueueControl>(() => App.ClearFinishedRuns()),
  setRunCap: (n: number) => call<void>(() => App.SetRunCap(n)),
  /** currentGenerations is every node's current generation (selected ?? latest completed). */
  currentGenerations: (workflowId: string) =>
    call<Record<string, Generation>>(() => App.CurrentGenerations(workflowId)).then((m) => m ?? {}),
  /** runGenerations is, per node, the generation a run wrote or (reused) fed downstream. */
  runGenerations: (runId: string) =>
    call<Record<string, Generation>>(() => App.RunGenerations(runId)).then((m) => m ?? {}),
  /** nodeTimeline is a node's generations, newest first, live ones included. */
  nodeTimeline: (workflowId: string, nodeId: string) =>
    call<Timeline>(() => App.NodeTimeline(workflowId, nodeId)).then((t) => ({ ...t, generations: t?.generations ?? [] })),
  /** selectGeneration picks the generation that feeds downstream ("" clears the pick). */
  selectGeneration: (workflowId: string, nodeId: string, generationId: string) =>
    call<void>(() => App.SelectGeneration(workflowId, nodeId, generationId)),
  deleteGeneration: (generationId: string) => call<void>(() => App.DeleteGeneration(generationId)),
  /** planGraph previews a run from a node of the editor's graph, saved or not. */
  planGraph: (workflowId: string, g: Graph, nodeId: string, inputs: Record<string, unknown> = {}) =>
    call<Plan>(() => App.PlanGraph(workflowId, g as Loose, nodeId, inputs)),
  /** planGraphPatch is planGraph of the editor's graph sent as its patch of the base version. */
  planGraphPatch: (workflowId: string, p: GraphPatch, nodeId: string, inputs: Record<string, unknown> = {}) =>
    call<Plan>(() => App.PlanGraphPatch(workflowId, p as Loose, nodeId, inputs)),
  /** planFrom previews a run from a node of a saved version ("" = the current version). */
  planFrom: (workflowId: string, versionId: string, nodeId: string, inputs: Record<string, unknown> = {}) =>
    call<Plan>(() => App.PlanFrom(workflowId, versionId, nodeId, inputs)),
  /** planChanged previews a changed run of a saved version ("" = the current version). */
  planChanged: (workflowId: string, versionId: string, inputs: Record<string, unknown> = {}) =>
    call<Plan>(() => App.PlanChanged(workflowId, versionId, inputs)),
  /** planGraphChanged previews a changed run of the editor's graph, saved or not. */
  planGraphChanged: (workflowId: string, g: Graph, inputs: Record<string, unknown> = {}) =>
    call<Plan>(() => App.PlanGraphChanged(workflowId, g as Loose, inputs)),
  /** planGraphPatchChanged is planGraphChanged of the graph sent as its patch of the base version. */
  planGraphPatchChanged: (workflowId: string, p: GraphPatch, inputs: Record<string, unknown> = {}) =>
    call<Plan>(() => App.PlanGraphPatchChanged(workflowId, p as Loose, inputs)),
  /** importMedia copies a local file into the asset store (kind: image audio video file). */
  importMedia: (path: string, kind: string) => call<AssetRef>(() => App.ImportMedia(path, kind)),
  unwatchWorkflow: (workflowId: string) => call<void>(() => App.UnwatchWorkflow(workflowId)),
};

/** assetURL is where the window loads a stored asset from. */
export function assetURL(sha: string): string {
  return `/assets/${sha}`;
}
