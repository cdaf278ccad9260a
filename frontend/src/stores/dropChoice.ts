// The last drop of files on the canvas, which the choice popover (dnd/DropChoice.tsx) offers
// to switch between copied and linked.
import { create } from "zustand";
import type { DropMode, MediaKind } from "../dnd/dropmap";

export interface DropResult {
  workflowId: string;
  mode: DropMode;
  nodes: { id: string; path: string; kind: MediaKind }[];
  at: { x: number; y: number };
}

export const useDropChoice = create<{ last: DropResult | null }>(() => ({ last: null }));
