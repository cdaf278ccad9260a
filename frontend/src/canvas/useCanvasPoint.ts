// Where on the canvas to put a new node: the centre of the visible canvas, or a screen point.
import { useReactFlow } from "@xyflow/react";
import { useCallback } from "react";

let lastPointer: { x: number; y: number } | null = null;

/** trackPointer remembers the pointer over the canvas (quick add opens there). */
export function trackPointer(e: { clientX: number; clientY: number }): void {
  lastPointer = { x: e.clientX, y: e.clientY };
}

export function pointerOverCanvas(): { x: number; y: number } | null {
  if (!lastPointer) return null;
  const el = document.querySelector(".canvas");
  const r = el?.getBoundingClientRect();
  if (!r) return null;
  const { x, y } = lastPointer;
  return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom ? lastPointer : null;
}

export function canvasCenterScreen(): { x: number; y: number } {
  const r = document.querySelector(".canvas")?.getBoundingClientRect();
  return r ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : { x: innerWidth / 2, y: innerHeight / 2 };
}

/** useFlowPoint converts a screen point (default: the canvas centre) to canvas coordinates,
 * offset so a node's top-left lands a little up-left of it. */
export function useFlowPoint(): (screen?: { x: number; y: number }) => { x: number; y: number } {
  const rf = useReactFlow();
  return useCallback(
    (screen) => {
      const p = screen ?? canvasCenterScreen();
      const f = rf.screenToFlowPosition(p);
      return { x: f.x - 110, y: f.y - 40 };
    },
    [rf],
  );
}
