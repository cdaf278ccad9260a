import { describe, expect, it } from "vitest";
import type { InputDecl } from "../api/types";
import { coerceValue, initialRaw, parseDefault, runField, runValues, validateInputName } from "./inputs";

const decl = (name: string, type: string, extra: Partial<InputDecl> = {}): InputDecl => ({ name, type, description: "", required: false, ...extra });

describe("coerceValue mirrors engine.CoerceValue", () => {
  it.each([
    ["integer", "1.5", "want an integer, got 1.5"],
    ["integer", "abc", 'want an integer, got "abc"'],
    ["number", "", 'want a number, got ""'],
    ["boolean", "maybe", 'want true or false, got "maybe"'],
    ["object", "[1]", "want an object, got an array"],
    ["array", "{}", "want an array, got an object"],
    ["integer", "9223372036854775808", "integer 9223372036854775808 is outside the 64-bit range"],
  ])("%s %j is refused: %s", (type, v, msg) => {
    const r = coerceValue(type, v);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toBe(msg);
  });

  it.each([
    ["integer", "42", 42],
    ["integer", " 7 ", 7],
    ["number", "1.5", 1.5],
    ["boolean", "yes", true],
    ["boolean", false, false],
    ["string", 5, "5"],
    ["object", '{"a":1}', { a: 1 }],
    ["array", "[1,2]", [1, 2]],
    // Past 2^53 a whole number stays text, which the engine reads exactly as an int64.
    ["integer", "9007199254740993", "9007199254740993"],
    ["number", "-9007199254740993", "-9007199254740993"],
    ["integer", "9007199254740991", 9007199254740991],
  ])("%s %j becomes %j", (type, v, want) => {
    expect(coerceValue(type, v)).toEqual({ ok: true, value: want });
  });
});

describe("defaults in the inputs panel", () => {
  it("shows an error for 1.5 as an integer default", () => {
    expect(parseDefault("integer", "1.5")).toEqual({ ok: false, error: "want an integer, got 1.5" });
  });
  it("treats empty text as no default", () => {
    expect(parseDefault("integer", " ")).toEqual({ ok: true, value: undefined });
    expect(parseDefault("string", "")).toEqual({ ok: true, value: undefined });
    expect(parseDefault("image", "x")).toEqual({ ok: true, value: undefined });
  });
  it("keeps string defaults as typed", () => {
    expect(parseDefault("string", " hi ")).toEqual({ ok: true, value: " hi " });
  });
});

describe("input names", () => {
  it("checks the engine's pattern and duplicates", () => {
    expect(validateInputName("ok_name-2", [])).toBeNull();
    expect(validateInputName("2bad", [])).toMatch(/start with a letter/);
    expect(validateInputName("has space", [])).toMatch(/start with a letter/);
    expect(validateInputName("", [])).toMatch(/needs a name/);
    expect(validateInputName("x", ["x"])).toMatch(/another input/);
  });
});

describe("run form values", () => {
  const decls = [
    decl("name", "string", { required: true }),
    decl("count", "integer", { default: 3 }),
    decl("flag", "boolean"),
    decl("doc", "object"),
    decl("photo", "image"),
  ];

  it("prefills defaults", () => {
    expect(decls.map(initialRaw)).toEqual(["", "3", false, "", null]);
  });

  it("reports a missing required input and leaves empty optional fields out", () => {
    const r = runValues(decls, { name: "", count: "", flag: false, doc: "", photo: null });
    expect(r.errors).toEqual({ name: "required string input is missing" });
    expect(r.values).toEqual({ flag: false });
  });

  it("coerces typed values", () => {
    const r = runValues(decls, { name: "Ada", count: "5", flag: true, doc: '{"k": 1}', photo: { asset: "a".repeat(64), mime: "image/png", name: "p.png" } });
    expect(r.errors).toEqual({});
    expect(r.values).toEqual({ name: "Ada", count: 5, flag: true, doc: { k: 1 }, photo: { asset: "a".repeat(64), mime: "image/png", name: "p.png" } });
  });

  it("names the type problem", () => {
    expect(runField(decl("n", "integer"), "2.5").error).toBe("want an integer, got 2.5");
    expect(runField(decl("d", "array"), "{").error).toMatch(/^want an array as JSON/);
  });

  it("lets a required input with a default be left empty", () => {
    expect(runField(decl("n", "integer", { required: true, default: 1 }), "")).toEqual({ given: false });
  });
});
