// A run form media field that takes a file dropped on it from the OS: the file is checked
// against the field's type and imported into the asset store.
import { useEffect, type RefObject } from "react";
import type { AssetRef } from "../api/types";
import { api } from "../api/backend";
import { fieldAccepts } from "./dropmap";
import { FIELD_DROP_EVENT, type FieldDropDetail } from "./fileDrop";

export function useFieldDrop(
  ref: RefObject<HTMLElement | null>,
  fieldType: string,
  onAsset: (a: AssetRef) => void,
  onError: (message: string) => void,
): void {
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const handler = async (e: Event) => {
      const paths = (e as CustomEvent<FieldDropDetail>).detail?.paths ?? [];
      const path = paths[0];
      if (!path) return;
      if (paths.length > 1) onError("This field takes one file; the first one was used.");
      const ok = fieldAccepts(fieldType, path);
      if (!ok.ok) {
        onError(ok.message);
        return;
      }
      try {
        onAsset(await api.importMedia(path, fieldType));
      } catch (err) {
        onError((err as Error).message);
      }
    };
    el.addEventListener(FIELD_DROP_EVENT, handler);
    return () => el.removeEventListener(FIELD_DROP_EVENT, handler);
  }, [ref, fieldType, onAsset, onError]);
}
