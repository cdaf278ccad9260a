import { describe, expect, it } from "vitest";
import { commandForKey } from "./shortcuts";

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
  key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods,
});

describe("editor shortcuts", () => {
  it.each([
    [key("z", { ctrlKey: true }), "undo"],
    [key("Z", { ctrlKey: true, shiftKey: true }), "redo"],
    [key("y", { ctrlKey: true }), "redo"],
    [key("z", { metaKey: true }), "undo"],
    [key("c", { ctrlKey: true }), "copy"],
    [key("v", { ctrlKey: true }), "paste"],
    [key("a", { ctrlKey: true }), "selectAll"],
    [key("k", { ctrlKey: true }), "quickAdd"],
    [key("f", { ctrlKey: true }), "findNode"],
    [key("F", { metaKey: true }), "findNode"],
    [key("s", { ctrlKey: true }), "save"],
    [key("Enter", { ctrlKey: true }), "run"],
    [key("Enter", { ctrlKey: true, shiftKey: true }), "runChanged"],
    [key("Enter", { metaKey: true, shiftKey: true }), "runChanged"],
    [key("/"), "quickAdd"],
    [key("?", { shiftKey: true }), "help"],
    [key("Delete"), "delete"],
    [key("Backspace"), "delete"],
    [key("f"), "fit"],
    [key("l"), "layout"],
    [key("Escape"), "escape"],
  ])("%j → %s", (e, want) => {
    expect(commandForKey(e)).toBe(want);
  });

  it.each([key("x"), key("z"), key("f", { altKey: true }), key("q", { ctrlKey: true })])("%j does nothing", (e) => {
    expect(commandForKey(e)).toBeNull();
  });
});
