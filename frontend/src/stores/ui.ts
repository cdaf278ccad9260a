// UI state that is not data: where the window is (dashboard or an editor, kept in the URL
// hash so a reload stays put), toasts, the left rail tab and which overlay is open.
import { create } from "zustand";

export type Route = { page: "dashboard" } | { page: "editor"; workflowId: string };

export type ToastKind = "info" | "success" | "error" | "warning";
export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

export type LeftTab = "nodes" | "inputs" | "runs";
export type Overlay = null | "help" | "run" | "runMany" | "save" | "quickAdd" | "findNode";

interface UIState {
  route: Route;
  toasts: Toast[];
  leftTab: LeftTab;
  overlay: Overlay;
  /** where the quick-add list opens, in screen pixels */
  quickAddAt: { x: number; y: number } | null;
  resultsOpen: boolean;
  /** an action the dashboard should take when it shows (from the native menu) */
  intent: "new" | null;
  setIntent: (i: "new" | null) => void;
  /** the Settings dialog is open (from the dashboard's button or the File menu, anywhere) */
  settingsOpen: boolean;
  setSettingsOpen: (open: boolean) => void;
  navigate: (r: Route) => void;
  setRouteFromHash: (hash: string) => void;
  toast: (kind: ToastKind, text: string) => void;
  dismiss: (id: number) => void;
  setLeftTab: (t: LeftTab) => void;
  open: (o: Overlay, at?: { x: number; y: number } | null) => void;
  close: () => void;
  setResultsOpen: (open: boolean) => void;
}

/** routeFromHash reads "#/workflow/<id>" (editor) or anything else (dashboard). */
export function routeFromHash(hash: string): Route {
  const m = /^#\/workflow\/([^/?#]+)/.exec(hash);
  return m ? { page: "editor", workflowId: decodeURIComponent(m[1]) } : { page: "dashboard" };
}

export function hashFor(r: Route): string {
  return r.page === "editor" ? `#/workflow/${encodeURIComponent(r.workflowId)}` : "#/";
}

let nextToast = 1;
const TOAST_MS: Record<ToastKind, number> = { info: 4000, success: 4000, warning: 8000, error: 9000 };

export const useUI = create<UIState>((set, get) => ({
  route: typeof location === "undefined" ? { page: "dashboard" } : routeFromHash(location.hash),
  toasts: [],
  leftTab: "nodes",
  overlay: null,
  quickAddAt: null,
  resultsOpen: false,
  intent: null,
  setIntent: (intent) => set({ intent }),
  settingsOpen: false,
  setSettingsOpen: (settingsOpen) => set({ settingsOpen }),
  navigate: (r) => {
    if (typeof location !== "undefined" && location.hash !== hashFor(r)) location.hash = hashFor(r);
    set({ route: r, overlay: null });
  },
  setRouteFromHash: (hash) => {
    const r = routeFromHash(hash);
    const cur = get().route;
    if (r.page !== cur.page || (r.page === "editor" && cur.page === "editor" && r.workflowId !== cur.workflowId)) {
      set({ route: r, overlay: null });
    }
  },
  toast: (kind, text) => {
    const id = nextToast++;
    set((s) => ({ toasts: [...s.toasts.slice(-4), { id, kind, text }] }));
    setTimeout(() => get().dismiss(id), TOAST_MS[kind]);
  },
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  setLeftTab: (leftTab) => set({ leftTab }),
  open: (overlay, at = null) => set({ overlay, quickAddAt: at }),
  close: () => set({ overlay: null, quickAddAt: null }),
  setResultsOpen: (resultsOpen) => set({ resultsOpen }),
}));

/** toast is a shorthand usable outside components. */
export function toast(kind: ToastKind, text: string): void {
  useUI.getState().toast(kind, text);
}
