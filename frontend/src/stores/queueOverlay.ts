// The queue overlay's state, outliving a remount (the overlay is mounted again when another
// workflow opens).
import { create } from "zustand";

/**
 * useOverlayState: open is the user's choice (null: none yet — then the overlay is open exactly
 * while runs it lists are going, and folds when they end); all lists every workflow's runs
 * instead of the open one's; doneAll lists every finished run, not only the latest three.
 */
export const useOverlayState = create<{ open: boolean | null; all: boolean; doneAll: boolean }>(() => ({
  open: null,
  all: false,
  doneAll: false,
}));
