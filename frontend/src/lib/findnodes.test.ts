import { describe, expect, it } from "vitest";
import type { FbNode } from "./flowtypes";
import { findNodes } from "./findnodes";

const n = (id: string, type: string, label?: string): FbNode =>
  ({ id, type: "fb", position: { x: 0, y: 0 }, data: { type, label, params: {} } }) as FbNode;

describe("find a node", () => {
  const nodes = [n("n10", "math.expr"), n("n2", "math.expr"), n("n1", "math.expr"), n("noise", "image.noise", "Noise image"), n("blur", "image.blur", "Soften")];
  const ids = (q: string, limit?: number) => findNodes(nodes, q, limit).found.map((f) => f.id);

  it("matches words of the id, label or type, numbers in order, the exact id first", () => {
    expect(ids("n1")).toEqual(["n1", "n10"]);
    expect(ids("expr")).toEqual(["n1", "n2", "n10"]);
    expect(ids("soften")).toEqual(["blur"]);
    expect(ids("image noise")).toEqual(["noise"]);
    expect(ids("img blur")).toEqual(["blur"]);
    expect(ids("nothing")).toEqual([]);
  });

  it("lists at most limit and counts the rest", () => {
    expect(findNodes(nodes, "math", 2)).toEqual({
      found: [
        { id: "n1", label: "", type: "math.expr" },
        { id: "n2", label: "", type: "math.expr" },
      ],
      more: 1,
    });
    expect(ids("", 10)).toHaveLength(5);
  });
});
