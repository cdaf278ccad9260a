// Node ids: short, readable, unique in the graph, and acceptable to the backend
// (^[A-Za-z0-9_.:-]{1,128}$). They are stable across versions, so never reused for another node.

const ID_RE = /^[A-Za-z0-9_.:-]{1,128}$/;

export function isValidNodeId(id: string): boolean {
  return ID_RE.test(id);
}

/** baseIdFor is the id stem for a node type: "text.template" → "template", flow.inputs → "in". */
export function baseIdFor(type: string): string {
  if (type === "flow.inputs") return "in";
  if (type === "io.output") return "out";
  const last = type.split(".").pop() || "node";
  const clean = last.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40);
  return clean || "node";
}

/** uniqueId returns base, or base_2, base_3, … whichever is not taken. */
export function uniqueId(base: string, taken: Set<string> | ((id: string) => boolean)): string {
  const has = typeof taken === "function" ? taken : (id: string) => taken.has(id);
  const stem = base.replace(/_\d+$/, "") || "node";
  if (!has(base)) return base;
  for (let i = 2; ; i++) {
    const id = `${stem}_${i}`;
    if (!has(id)) return id;
  }
}
