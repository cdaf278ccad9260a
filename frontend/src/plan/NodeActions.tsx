// Run from here, on a node: a toolbar shown while the pointer is over the node (or it is
// selected), and a context menu on right click.
import { NodeToolbar, Position } from "@xyflow/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { runFromHere, showPlan } from "./actions";

/**
 * useHoverIntent is true while the pointer is over the node or its toolbar, and for a moment
 * after it leaves, so the pointer can travel from the node to the toolbar above it.
 */
export function useHoverIntent(delay = 250): { hover: boolean; enter: () => void; leave: () => void } {
  const [hover, setHover] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const enter = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    setHover(true);
  }, []);
  const leave = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setHover(false), delay);
  }, [delay]);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  return { hover, enter, leave };
}

/** Room the toolbar takes: its height above the node, its width beside the node's right edge. */
const TOOLBAR_H = 40;
const TOOLBAR_W = 230;

/**
 * toolbarPlace keeps the toolbar inside the canvas: above the node unless the node is near the
 * canvas's top edge (then below it); its right edge on the node's unless that would put its
 * left end past the canvas's left edge (then its left edge on the node's).
 */
export function toolbarPlace(node: { top: number; left: number; right: number }, canvas: { top: number; left: number }): { below: boolean; start: boolean } {
  return { below: node.top - canvas.top < TOOLBAR_H, start: node.right - TOOLBAR_W < canvas.left };
}

/** useToolbarPlace measures the node against the canvas when the toolbar shows. */
function useToolbarPlace(nodeId: string, visible: boolean): { below: boolean; start: boolean } {
  const [place, setPlace] = useState({ below: false, start: false });
  useEffect(() => {
    if (!visible) return;
    const el = document.querySelector(`.react-flow__node[data-id="${CSS.escape(nodeId)}"]`);
    const pane = el?.closest(".react-flow");
    if (!el || !pane) return;
    const next = toolbarPlace(el.getBoundingClientRect(), pane.getBoundingClientRect());
    setPlace((p) => (p.below === next.below && p.start === next.start ? p : next));
  }, [visible, nodeId]);
  return place;
}

export function NodeRunToolbar({
  nodeId,
  visible,
  onEnter,
  onLeave,
}: {
  nodeId: string;
  visible: boolean;
  onEnter?: () => void;
  onLeave?: () => void;
}) {
  const place = useToolbarPlace(nodeId, visible);
  return (
    <NodeToolbar
      isVisible={visible}
      position={place.below ? Position.Bottom : Position.Top}
      align={place.start ? "start" : "end"}
      offset={6}
      className="node-toolbar"
      onMouseEnter={onEnter}
      onMouseLeave={onLeave}
    >
      <button
        type="button"
        onClick={(e) => {
          e.stopPropagation();
          void runFromHere(nodeId);
        }}
        title="Run this node and what depends on it, reusing unchanged results before it"
        data-testid={`run-from-${nodeId}`}
      >
        ▶ Run from here
      </button>
      <button
        type="button"
        onClick={(e) => {
          e.stopPropagation();
          void showPlan(nodeId);
        }}
        title="Show which nodes would run again and why, without running"
        data-testid={`plan-from-${nodeId}`}
      >
        Preview plan
      </button>
    </NodeToolbar>
  );
}

export interface MenuItem {
  label: string;
  onSelect: () => void;
  testId?: string;
  disabled?: boolean;
}

/** ContextMenu is a small menu at a screen point; Escape, a click elsewhere or a choice closes it. */
export function ContextMenu({ at, items, onClose }: { at: { x: number; y: number }; items: MenuItem[]; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onClose();
    };
    window.addEventListener("mousedown", onDown, true);
    window.addEventListener("keydown", onKey);
    ref.current?.querySelector("button")?.focus();
    return () => {
      window.removeEventListener("mousedown", onDown, true);
      window.removeEventListener("keydown", onKey);
    };
  }, [onClose]);
  const x = Math.min(at.x, window.innerWidth - 220);
  const y = Math.min(at.y, window.innerHeight - 40 * items.length - 16);
  return createPortal(
    <div ref={ref} className="ctx-menu" role="menu" style={{ left: x, top: y }} data-testid="context-menu">
      {items.map((it) => (
        <button
          key={it.label}
          type="button"
          role="menuitem"
          disabled={it.disabled}
          data-testid={it.testId}
          onClick={() => {
            onClose();
            it.onSelect();
          }}
        >
          {it.label}
        </button>
      ))}
    </div>,
    document.body,
  );
}

/** nodeMenuItems are the run-from-block entries of a node's context menu. */
export function nodeMenuItems(nodeId: string): MenuItem[] {
  return [
    { label: "▶ Run from here", onSelect: () => void runFromHere(nodeId), testId: "ctx-run-from" },
    { label: "Preview plan from here", onSelect: () => void showPlan(nodeId), testId: "ctx-plan-from" },
  ];
}
