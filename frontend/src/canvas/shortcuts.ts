// The editor's keyboard shortcuts and the native menu's edit commands. Keys typed into a
// field keep their usual meaning (text undo, copy, select all).
import { useReactFlow } from "@xyflow/react";
import { useEffect } from "react";
import type { FbEdge, FbNode } from "../lib/flowtypes";
import { onEvent } from "../api/events";
import { autoLayout, copySelection, deleteSelection, pasteClipboard, selectAll } from "../commands/editor";
import { useGraph } from "../stores/graph";
import { selectOnly } from "../lib/graphops";
import { toast, useUI } from "../stores/ui";
import { runChanged } from "../plan/actions";
import { fitGraph } from "./fit";
import { pointerOverCanvas } from "./useCanvasPoint";

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.closest) return false;
  return Boolean(el.closest("input, textarea, select, [contenteditable=''], [contenteditable=true]"));
}

export type EditorCommand = "undo" | "redo" | "copy" | "paste" | "selectAll" | "delete" | "fit" | "layout";

/** commandForKey maps a key press to an editor command, or null. */
export function commandForKey(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey">):
  | EditorCommand
  | "quickAdd"
  | "help"
  | "save"
  | "run"
  | "runChanged"
  | "findNode"
  | "escape"
  | null {
  const mod = e.ctrlKey || e.metaKey;
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod && !e.altKey) {
    if (k === "z") return e.shiftKey ? "redo" : "undo";
    if (k === "y") return "redo";
    if (k === "c") return "copy";
    if (k === "v") return "paste";
    if (k === "a") return "selectAll";
    if (k === "k") return "quickAdd";
    if (k === "f") return "findNode";
    if (k === "s") return "save";
    if (k === "Enter") return e.shiftKey ? "runChanged" : "run";
    return null;
  }
  if (e.altKey) return null;
  if (k === "Delete" || k === "Backspace") return "delete";
  if (k === "Escape") return "escape";
  if (e.key === "/") return "quickAdd";
  if (e.key === "?") return "help";
  if (k === "f" && !e.shiftKey) return "fit";
  if (k === "l" && !e.shiftKey) return "layout";
  return null;
}

export function useEditorShortcuts(): void {
  const rf = useReactFlow<FbNode, FbEdge>();
  useEffect(() => {
    const run = (cmd: EditorCommand) => {
      const g = useGraph.getState();
      switch (cmd) {
        case "undo":
          return g.undo();
        case "redo":
          return g.redo();
        case "copy": {
          const n = copySelection();
          if (n) toast("info", `Copied ${n} node${n === 1 ? "" : "s"}.`);
          return;
        }
        case "paste":
          return void pasteClipboard();
        case "selectAll":
          return selectAll();
        case "delete":
          return deleteSelection();
        case "fit":
          return fitGraph(rf, 200);
        case "layout":
          void autoLayout().then(() => requestAnimationFrame(() => fitGraph(rf)));
          return;
      }
    };
    const onKey = (e: KeyboardEvent) => {
      const ui = useUI.getState();
      if (ui.route.page !== "editor" || e.defaultPrevented) return;
      if (ui.overlay || document.querySelector(".dialog-backdrop")) return; // dialogs handle their keys
      if (isTyping(e.target)) return;
      const cmd = commandForKey(e);
      if (!cmd) return;
      e.preventDefault();
      switch (cmd) {
        case "quickAdd":
          return ui.open("quickAdd", pointerOverCanvas());
        case "help":
          return ui.open("help");
        case "save":
          return useGraph.getState().dirty ? ui.open("save") : toast("info", "No unsaved changes to save.");
        case "run":
          return ui.open("run");
        case "runChanged":
          return void runChanged();
        case "findNode":
          return ui.open("findNode");
        case "escape": {
          const g = useGraph.getState();
          useGraph.setState({ nodes: selectOnly(g, new Set()).nodes, edges: selectOnly(g, new Set()).edges });
          return;
        }
        default:
          return run(cmd);
      }
    };
    window.addEventListener("keydown", onKey);
    const offMenu = onEvent("menu", (action) => {
      if (useUI.getState().route.page !== "editor") return;
      if (isTyping(document.activeElement)) {
        // The menu has no accelerators: in a field, do the field's own command.
        const native: Record<string, string> = { undo: "undo", redo: "redo", copy: "copy", paste: "paste", selectAll: "selectAll" };
        if (native[action]) document.execCommand(native[action]);
        return;
      }
      if (action === "undo" || action === "redo" || action === "copy" || action === "paste" || action === "selectAll") run(action);
      if (action === "find" && !useUI.getState().overlay) useUI.getState().open("findNode");
    });
    return () => {
      window.removeEventListener("keydown", onKey);
      offMenu();
    };
  }, [rf]);
}
