// Run from here, on a node: a toolbar shown while the pointer is over the node (or it is
// selected), and a context menu on right click.
import { NodeToolbar, Position } from "@xyflow/react";
import { useEffect, useRef } from "react";
import { createPortal } from "react-dom";
import { runFromHere, showPlan } from "./actions";

export function NodeRunToolbar({ nodeId, visible }: { nodeId: string; visible: boolean }) {
  return (
    <NodeToolbar isVisible={visible} position={Position.Top} align="end" offset={6} className="node-toolbar">
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
