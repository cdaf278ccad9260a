// The node type catalog (NodeTypes): loaded once, read by the palette, the node component,
// the inspector and the connection rules.
import { create } from "zustand";
import { api } from "../api/backend";
import type { NodeType } from "../api/types";
import { matchesWords } from "../lib/search";

interface CatalogState {
  list: NodeType[];
  types: Record<string, NodeType>;
  loaded: boolean;
  error: string | null;
  load: () => Promise<void>;
  /** setTypes fills the catalog directly (tests). */
  setTypes: (list: NodeType[]) => void;
}

export const useCatalog = create<CatalogState>((set, get) => ({
  list: [],
  types: {},
  loaded: false,
  error: null,
  load: async () => {
    if (get().loaded) return;
    try {
      get().setTypes(await api.nodeTypes());
    } catch (e) {
      set({ error: (e as Error).message });
    }
  },
  setTypes: (list) => set({ list, types: Object.fromEntries(list.map((t) => [t.type, t])), loaded: true, error: null }),
}));

/** GROUP_ORDER is how the palette orders node groups; unknown groups come last. */
export const GROUP_ORDER = ["flow", "text", "data", "control", "media", "code", "services", "ai", "utility"];

export const GROUP_TITLES: Record<string, string> = {
  flow: "Flow",
  text: "Text",
  data: "Data",
  control: "Control",
  media: "Media",
  code: "Code",
  services: "Services",
  ai: "AI",
  utility: "Utility",
};

export function groupTitle(g: string): string {
  return GROUP_TITLES[g] ?? g.charAt(0).toUpperCase() + g.slice(1);
}

/**
 * matchesQuery: every word of the query, in any order, is found in the node type's name,
 * title, description or group — as a part of a word, or as an abbreviation of one
 * ("resize img" finds image.resize).
 */
export function matchesQuery(t: Pick<NodeType, "type" | "title" | "description" | "group">, query: string): boolean {
  return matchesWords(`${t.type} ${t.title} ${t.description ?? ""} ${t.group}`, query);
}

/** groupTypes filters the catalog by a search text and groups it in palette order. */
export function groupTypes(list: NodeType[], query: string): { group: string; types: NodeType[] }[] {
  const match = (t: NodeType) => matchesQuery(t, query);
  const groups = new Map<string, NodeType[]>();
  for (const t of list) {
    if (!match(t)) continue;
    const g = groups.get(t.group);
    if (g) g.push(t);
    else groups.set(t.group, [t]);
  }
  const rank = (g: string) => {
    const i = GROUP_ORDER.indexOf(g);
    return i < 0 ? GROUP_ORDER.length : i;
  };
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([group, types]) => ({ group, types: types.sort((a, b) => a.title.localeCompare(b.title)) }));
}
