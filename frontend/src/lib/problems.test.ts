import { describe, expect, it } from "vitest";
import { badgeTitle, nodeProblems, problemText } from "./problems";

const probs = [
  { node_id: "calc", param: "expression", message: '"a +" does not compile: unexpected end' },
  { node_id: "calc", handle: "a", message: "incompatible types" },
  { node_id: "calc", param: "legacy", message: "a param the form has no field for" },
  { node_id: "out", param: "name", message: "is required" },
  { message: "cycle: a → b → a" },
];

describe("nodeProblems", () => {
  it("puts a param's problem under its field and keeps the rest on top", () => {
    const { byParam, other } = nodeProblems(probs, "calc", ["expression"]);
    expect(byParam).toEqual({ expression: '"a +" does not compile: unexpected end' });
    expect(other.map((p) => p.handle ?? p.param)).toEqual(["a", "legacy"]);
  });
  it("joins two problems of one param and ignores other nodes", () => {
    const { byParam, other } = nodeProblems(
      [...probs, { node_id: "out", param: "name", message: "second" }],
      "out",
      ["name"],
    );
    expect(byParam).toEqual({ name: "is required\nsecond" });
    expect(other).toEqual([]);
  });
});

describe("badgeTitle", () => {
  it("lists the node's problems, each naming its param or handle", () => {
    expect(badgeTitle(probs, "calc")).toBe(
      'expression: "a +" does not compile: unexpected end\na: incompatible types\nlegacy: a param the form has no field for',
    );
    expect(badgeTitle(probs, "none")).toBe("");
    expect(problemText({ input: "topic", message: "not declared" })).toBe("{{topic}}: not declared");
  });
});
