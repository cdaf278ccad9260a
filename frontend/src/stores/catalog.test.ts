import { describe, expect, it } from "vitest";
import type { NodeType } from "../api/types";
import { groupTypes } from "./catalog";

const t = (type: string, group: string, title: string, description = ""): NodeType => ({
  type, group, title, description, version: 1, inputs: [], outputs: [], params: [], deterministic: true,
});
const list = [
  t("util.delay", "utility", "Delay"),
  t("text.template", "text", "Template", "Fills a text template"),
  t("flow.inputs", "flow", "Flow inputs"),
  t("io.output", "flow", "Output"),
  t("text.concat", "text", "Concatenate"),
  t("x.custom", "zeta", "Custom"),
];

describe("palette grouping", () => {
  it("orders groups as the palette shows them, unknown last, titles sorted", () => {
    expect(groupTypes(list, "").map((g) => [g.group, g.types.map((x) => x.type)])).toEqual([
      ["flow", ["flow.inputs", "io.output"]],
      ["text", ["text.concat", "text.template"]],
      ["utility", ["util.delay"]],
      ["zeta", ["x.custom"]],
    ]);
  });

  it("searches type, title and description", () => {
    expect(groupTypes(list, "templ").flatMap((g) => g.types.map((x) => x.type))).toEqual(["text.template"]);
    expect(groupTypes(list, "OUTPUT").flatMap((g) => g.types.map((x) => x.type))).toEqual(["io.output"]);
    expect(groupTypes(list, "fills").flatMap((g) => g.types.map((x) => x.type))).toEqual(["text.template"]);
    expect(groupTypes(list, "nothing-like-this")).toEqual([]);
  });
});

describe("palette search by words", () => {
  const resize = t("image.resize", "media", "Resize image", "Scales an image.");
  const blur = t("image.blur", "media", "Blur image", "Softens an image.");
  const list2 = [...list, resize, blur];
  const found = (q: string) => groupTypes(list2, q).flatMap((g) => g.types.map((x) => x.type));
  it("matches words in any order, abbreviated too", () => {
    expect(found("resize img")).toEqual(["image.resize"]);
    expect(found("img resize")).toEqual(["image.resize"]);
    expect(found("image resize")).toEqual(["image.resize"]);
    expect(found("img")).toEqual(["image.blur", "image.resize"]);
    expect(found("resize text")).toEqual([]);
  });
});
