import { describe, expect, it } from "vitest";
import type { WorkflowCard } from "../api/types";
import { arrangeCards } from "./arrange";

const card = (name: string, o: Partial<WorkflowCard> = {}): WorkflowCard => ({
  id: `id-${name}`,
  name,
  description: "",
  versions: 1,
  current_version_id: "",
  last_run_status: "",
  last_run_at: "",
  updated_at: "2026-12-01T10:00:00Z",
  ...o,
});

describe("dashboard cards", () => {
  const cards = [
    card("Sweep 10"),
    card("sweep 2", { updated_at: "2026-12-03T09:00:00Z" }),
    card("Image pipeline", { description: "A seeded noise image, blurred", last_run_at: "2026-12-05T08:00:00.5+01:00" }),
    card("Branching", { updated_at: "2026-12-02T00:00:00Z" }),
  ];
  const names = (q: string, s: "recent" | "name") => arrangeCards(cards, q, s).map((c) => c.name);

  it("orders by name with numbers as numbers, any case", () => {
    expect(names("", "name")).toEqual(["Branching", "Image pipeline", "sweep 2", "Sweep 10"]);
  });

  it("orders by the last run or save, latest first", () => {
    expect(names("", "recent")).toEqual(["Image pipeline", "sweep 2", "Branching", "Sweep 10"]);
  });

  it("finds by words of the name or description, in any order, abbreviated too", () => {
    expect(names("sweep", "name")).toEqual(["sweep 2", "Sweep 10"]);
    expect(names("blurred img", "name")).toEqual(["Image pipeline"]);
    expect(names("  ", "name")).toHaveLength(4);
    expect(names("nothing like it", "name")).toEqual([]);
  });

  it("does not change the list it is given", () => {
    const before = cards.map((c) => c.name);
    arrangeCards(cards, "", "name");
    expect(cards.map((c) => c.name)).toEqual(before);
  });
});

