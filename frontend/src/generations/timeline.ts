// Browsing a node's timeline of generations (newest first, as NodeTimeline returns it):
// which one the viewer shows, stepping older/newer, and keeping the place when the timeline
// refreshes (a live generation landing, a generation deleted, a new run appending one).
import type { Generation, Timeline } from "../api/types";

export type { Generation, Timeline };

type TL = Pick<Timeline, "generations" | "current_generation_id">;

function gens(tl: TL | null | undefined): Generation[] {
  return tl?.generations ?? [];
}

/** indexOf is the position of a generation in the timeline, -1 when absent. */
export function indexOf(tl: TL | null | undefined, id: string | null | undefined): number {
  if (!id) return -1;
  return gens(tl).findIndex((g) => g.id === id);
}

/** initialView is what the viewer opens on: the generation the canvas shows on the node
 * (shown), else the node's current generation, else the newest. */
export function initialView(tl: TL | null | undefined, shown?: string | null): string | null {
  const list = gens(tl);
  if (list.length === 0) return null;
  if (shown && indexOf(tl, shown) >= 0) return shown;
  if (tl?.current_generation_id && indexOf(tl, tl.current_generation_id) >= 0) return tl.current_generation_id;
  return list[0].id;
}

/** step moves the view one generation older ("prev") or newer ("next"); null at an end. */
export function step(tl: TL | null | undefined, viewing: string | null, dir: "prev" | "next"): string | null {
  const list = gens(tl);
  const i = indexOf(tl, viewing);
  if (i < 0) return initialView(tl);
  const j = dir === "prev" ? i + 1 : i - 1;
  return j >= 0 && j < list.length ? list[j].id : null;
}

/** position says "3 of 7", counting from the oldest (the timeline's order in time). */
export function position(tl: TL | null | undefined, viewing: string | null): { n: number; of: number } {
  const list = gens(tl);
  const i = indexOf(tl, viewing);
  return { n: i < 0 ? 0 : list.length - i, of: list.length };
}

/**
 * reconcile keeps the viewer's place across a refresh: a live generation that landed is
 * followed to its persisted form (same run); a deleted one gives way to its older neighbour
 * (else the newer); a viewer on the newest follows new generations as they appear.
 */
export function reconcile(prev: TL | null | undefined, next: TL, viewing: string | null, shown?: string | null): string | null {
  const list = gens(next);
  if (list.length === 0) return null;
  if (!viewing) return initialView(next, shown);
  const before = gens(prev);
  const wasNewest = before.length > 0 && before[0].id === viewing;
  if (indexOf(next, viewing) >= 0) {
    return wasNewest && list[0].id !== viewing && !before.some((g) => g.id === list[0].id) ? list[0].id : viewing;
  }
  const old = before.find((g) => g.id === viewing);
  if (old) {
    const landed = list.find((g) => g.run_id === old.run_id && g.run_id !== "" && g.status !== "running");
    if (old.status === "running" && landed) return landed.id;
    if (wasNewest) return list[0].id;
    // deleted: the one that took its place (the next older), else the newest remaining
    const i = before.indexOf(old);
    for (let j = i + 1; j < before.length; j++) if (indexOf(next, before[j].id) >= 0) return before[j].id;
    for (let j = i - 1; j >= 0; j--) if (indexOf(next, before[j].id) >= 0) return before[j].id;
  }
  return initialView(next);
}

/** pickedId is the selected generation of a timeline, "" when none is selected. */
export function pickedId(tl: TL | null | undefined): string {
  return gens(tl).find((g) => g.selected)?.id ?? "";
}

/** formatTime shows a generation's time: "14:03:22" today, "3 Jan 14:03" before. */
export function formatTime(created: unknown, now = new Date()): string {
  const t = typeof created === "number" ? new Date(created) : new Date(String(created ?? ""));
  if (Number.isNaN(t.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  const hm = `${pad(t.getHours())}:${pad(t.getMinutes())}`;
  if (t.toDateString() === now.toDateString()) return `${hm}:${pad(t.getSeconds())}`;
  const month = t.toLocaleString("en", { month: "short" });
  const year = t.getFullYear() === now.getFullYear() ? "" : ` ${t.getFullYear()}`;
  return `${t.getDate()} ${month}${year} ${hm}`;
}

/** runTitle names the run that made a generation. */
export function runTitle(g: Pick<Generation, "run_label" | "run_id">): string {
  return g.run_label || (g.run_id ? `Run ${g.run_id.slice(0, 8)}` : "Run");
}

const partRE = /([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"?|\S+)/g;

/** labelParts splits a run label (`topic="red fox" seed=7`) into its name=value parts; a
 * label that is not made of them ("Run #3") is one part. */
export function labelParts(label: string): string[] {
  const parts = label.match(partRE);
  return parts && parts.join(" ").length >= label.replace(/…$/, "").trim().length - 1 ? parts : [label];
}

/**
 * tileLabels is what the grid's tiles say about their runs: each label without the parts
 * every label shares (a sweep's common inputs), so what differs is what shows. A label left
 * empty keeps its full text.
 */
export function tileLabels(labels: readonly string[]): string[] {
  if (labels.length < 2) return [...labels];
  const split = labels.map(labelParts);
  const common = split[0].filter((p) => split.every((ps) => ps.includes(p)));
  return split.map((ps, i) => {
    const rest = ps.filter((p) => !common.includes(p));
    return rest.length ? rest.join(" ") : labels[i];
  });
}
