// Loop groups (control.foreach, control.map) on the canvas: a group is drawn as a frame whose
// body holds its child nodes. A child's stored position is relative to the body's top-left;
// on the canvas (React Flow) it is relative to the group's box, whose top holds the group's
// own header and ports: the two differ by BODY_TOP. Pure functions, used by the converters,
// the node component and the canvas.
import type { FbNode, FlowGraph } from "./flowtypes";

/** How far below a group's top its body starts. */
export const BODY_TOP = 170;
/** Room kept around the children inside the frame. */
export const BODY_PAD = 24;
/** The smallest frame: an empty body still shows where to drop nodes. */
export const FRAME_MIN = { width: 320, height: BODY_TOP + 110 };

export interface Point {
  x: number;
  y: number;
}

export interface Box extends Point {
  width: number;
  height: number;
}

/** bodyToCanvas is a child's canvas position from its stored one. */
export function bodyToCanvas(p: Point): Point {
  return { x: p.x, y: p.y + BODY_TOP };
}

/** canvasToBody is a child's stored position from its canvas one. */
export function canvasToBody(p: Point): Point {
  return { x: p.x, y: p.y - BODY_TOP };
}

/** frameSize is the size a group takes to hold children at these boxes (relative to it). */
export function frameSize(children: readonly Box[]): { width: number; height: number } {
  let width = FRAME_MIN.width;
  let height = FRAME_MIN.height;
  for (const c of children) {
    width = Math.max(width, c.x + c.width + BODY_PAD);
    height = Math.max(height, c.y + c.height + BODY_PAD);
  }
  return { width: Math.round(width), height: Math.round(height) };
}

/**
 * reparent puts a node into a group (group = its id) or takes it out (group = null), keeping it
 * where it is on screen: abs gives a node's absolute canvas position. A group keeps its place
 * before its children in the list (React Flow draws parents first). Groups do not nest here.
 */
export function reparent(f: FlowGraph, nodeId: string, group: string | null, abs: (id: string) => Point | undefined): FlowGraph {
  const node = f.nodes.find((n) => n.id === nodeId);
  const here = abs(nodeId);
  if (!node || !here || (node.parentId ?? null) === group) return f;
  let position: Point = here;
  if (group) {
    const origin = abs(group);
    if (!origin) return f;
    position = { x: Math.max(0, here.x - origin.x), y: Math.max(BODY_TOP, here.y - origin.y) };
  }
  const moved: FbNode = { ...node, position: { x: Math.round(position.x), y: Math.round(position.y) } };
  if (group) moved.parentId = group;
  else delete moved.parentId;
  // last in its group (or in the graph): drawn over its new neighbours, as it was dropped
  const rest = f.nodes.filter((n) => n.id !== nodeId);
  let at = rest.length;
  if (group) {
    at = rest.findIndex((n) => n.id === group) + 1;
    rest.forEach((n, i) => {
      if (n.parentId === group) at = Math.max(at, i + 1);
    });
  }
  return { ...f, nodes: [...rest.slice(0, at), moved, ...rest.slice(at)] };
}
