// The way back from a child workflow opened from a subworkflow node to its parents.
import { create } from "zustand";

/** A step into a child workflow, so the editor can lead back to its parent. */
export interface Crumb {
  parentId: string;
  parentName: string;
  childId: string;
}

export const useTrail = create<{ trail: Crumb[] }>(() => ({ trail: [] }));
