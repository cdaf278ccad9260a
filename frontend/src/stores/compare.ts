// Which runs are chosen for comparing (checkboxes on queue cards, the Runs tab and generation
// tiles), which compare view is open, and the restore that can be undone.
import { create } from "zustand";
import { toast } from "./ui";

/** MAX_CHOSEN is how many runs a sweep grid compares at most. */
export const MAX_CHOSEN = 16;

export type CompareView =
  | null
  | { kind: "runs"; a: string; b: string }
  | { kind: "grid"; ids: string[] }
  | { kind: "versions"; workflowId: string; a: string; b: string };

interface CompareState {
  chosen: string[];
  view: CompareView;
  /** the restore the banner offers to undo */
  restored: { workflowId: string; runId: string; label: string } | null;
  toggle: (runId: string) => void;
  clear: () => void;
  open: (v: CompareView) => void;
  close: () => void;
}

export const useCompare = create<CompareState>((set, get) => ({
  chosen: [],
  view: null,
  restored: null,
  toggle: (runId) => {
    const c = get().chosen;
    if (c.includes(runId)) {
      set({ chosen: c.filter((x) => x !== runId) });
      return;
    }
    if (c.length >= MAX_CHOSEN) {
      toast("warning", `At most ${MAX_CHOSEN} runs can be compared at once.`);
      return;
    }
    set({ chosen: [...c, runId] });
  },
  clear: () => set({ chosen: [] }),
  open: (view) => set({ view }),
  close: () => set({ view: null }),
}));

/** compareChosen opens the view for the chosen runs: two side by side, more as a grid. */
export function compareChosen(grid = false): void {
  const c = useCompare.getState().chosen;
  if (c.length < 2) return;
  useCompare.getState().open(c.length === 2 && !grid ? { kind: "runs", a: c[0], b: c[1] } : { kind: "grid", ids: [...c] });
}
