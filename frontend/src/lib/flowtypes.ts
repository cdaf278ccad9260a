// The React Flow shapes the canvas uses for engine nodes and edges.
import type { Edge, Node } from "@xyflow/react";
import type { InputDecl } from "../api/types";

/** FbNodeData is what the one generic node component needs: the engine node minus position. */
export interface FbNodeData extends Record<string, unknown> {
  /** engine node type, e.g. "text.template" */
  type: string;
  label?: string;
  params: Record<string, unknown>;
}

export type FbNode = Node<FbNodeData, "fb">;

export interface FbEdgeData extends Record<string, unknown> {
  /** keepId: the engine edge had an explicit id, written back as is */
  keepId?: boolean;
}

export type FbEdge = Edge<FbEdgeData>;

/** The React Flow node type name of every engine node (one generic component). */
export const FB_NODE = "fb" as const;

/** FlowGraph is a workflow graph as the canvas holds it: its inputs, nodes and edges. */
export interface FlowGraph {
  inputs: InputDecl[];
  nodes: FbNode[];
  edges: FbEdge[];
}
