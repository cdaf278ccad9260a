// Readable names for the backend's data, derived from the generated Wails models so they stay
// in sync with the Go structs. Plain<T> drops the generated classes' helper methods: values
// cross the bridge as JSON, so the frontend works with plain objects.
import type { engine, main } from "../../wailsjs/go/models";

type IsAny<T> = 0 extends 1 & T ? true : false;

/** Plain is T without methods, recursively (the generated classes carry convertValues). */
export type Plain<T> =
  IsAny<T> extends true
    ? T
    : T extends (infer U)[]
      ? Plain<U>[]
      : T extends object
        ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Plain<T[K]> }
        : T;

export type Graph = Plain<engine.Graph>;
export type GraphNode = Plain<engine.Node>;
export type GraphEdge = Plain<engine.Edge>;
export type InputDecl = Plain<engine.InputDecl>;
/** EdgeSpan is base edges from..to (to excluded) followed by edges of the graph's own. */
export type EdgeSpan = Plain<engine.EdgeSpan>;
/** GraphPatch is an edited graph as its edit of a base version (engine/graphpatch.go); a field
 * left out keeps the base's. */
export type GraphPatch = Partial<Plain<engine.GraphPatch>> & { base_version_id: string };
export type NodeType = Plain<engine.NodeType>;
export type HandleSpec = Plain<engine.Handle>;
export type ParamSpec = Plain<engine.ParamSpec>;
export type Problem = Plain<engine.Problem>;
export type Workflow = Plain<engine.Workflow>;
export type Version = Plain<engine.Version>;
/** VersionHead is a version as lists carry it: without its graph (api.getVersion has it). */
export type VersionHead = Plain<main.VersionHead>;

/** versionHead is v as a list of versions carries it. */
export function versionHead(v: Version): VersionHead {
  return { id: v.id, workflow_id: v.workflow_id, seq: v.seq, label: v.label, notes: v.notes, parent_id: v.parent_id, created_at: v.created_at };
}
export type NodeRecord = Plain<engine.NodeRecord>;
export type AssetRef = Plain<engine.AssetRef>;
export type ImportResult = Plain<engine.ImportResult>;
export type WorkflowCard = Plain<main.WorkflowCard>;
export type WorkflowDetail = Plain<main.WorkflowDetail>;
export type WorkflowMeta = Plain<main.WorkflowMeta>;
export type RunInfo = Plain<main.RunInfo>;
/** QueueControl is the data home's queue state: pause, slot cap, when finished runs were cleared from the list. */
export type QueueControl = Plain<main.QueueControl>;
/** OrphanedQueue: queued runs left by a previous session (the first few, and how many in all). */
export type OrphanedQueue = Plain<main.OrphanedQueue>;
export type OrphanedRun = Plain<main.OrphanedRun>;
export type RunRequest = Plain<main.RunRequest>;
export type Generation = Plain<engine.Generation>;
export type Timeline = Plain<engine.Timeline>;
export type Plan = Plain<engine.Plan>;
export type PlanNode = Plain<engine.PlanNode>;
export type SubflowSpec = Plain<engine.SubflowSpec>;
export type MadeSubflow = Plain<engine.MadeSubflow>;

/** The declarable flow input types, in display order (engine.InputTypes). */
export const INPUT_TYPES = [
  "string",
  "number",
  "integer",
  "boolean",
  "object",
  "array",
  "image",
  "audio",
  "video",
  "file",
] as const;
export type InputType = (typeof INPUT_TYPES)[number];

export function isMediaType(t: string): boolean {
  return t === "image" || t === "audio" || t === "video" || t === "file";
}

/** RunEvent is engine.Event: every window event about a run (SPEC §10). */
export interface RunEvent {
  type: "run" | "node" | "progress" | "stream" | "log" | "stale" | "generations" | "queue";
  workflow_id: string;
  run_id: string;
  node_id?: string;
  status?: string;
  queue_position?: number;
  label?: string;
  version_label?: string;
  generation_id?: string;
  duration_ms?: number;
  reasons?: string[];
  preview?: string;
  progress?: number;
  text?: string;
  error?: string;
  done?: number;
  total?: number;
  time: number;
}

/** MenuAction is the payload of the native menu's "menu" event. */
export type MenuAction = "new" | "import" | "export" | "settings" | "undo" | "redo" | "copy" | "paste" | "selectAll" | "find" | "about";

/** OpenedFile is what became of the workflow file the window was started with (TakeOpenedFile). */
export interface OpenedFile {
  path: string;
  workflow_id: string;
  version_label: string;
  created: boolean;
  error: string;
}

/** FileDrop is the payload of the "filedrop" event (files dropped from the OS). */
export interface FileDrop {
  x: number;
  y: number;
  paths: string[];
}

/** Run statuses that will not change by themselves (engine.RunStatus.Finished). */
export function isFinishedRun(status: string): boolean {
  return status === "completed" || status === "failed" || status === "cancelled" || status === "interrupted";
}
