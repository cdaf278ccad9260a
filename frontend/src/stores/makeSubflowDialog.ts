// Whether the "Make subworkflow" dialog (subflows/MakeSubflowDialog.tsx) is open.
import { create } from "zustand";

export const useMakeDialog = create<{ open: boolean }>(() => ({ open: false }));
