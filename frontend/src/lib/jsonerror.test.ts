import { describe, expect, it } from "vitest";
import { errorAt, jsonError, withArticle } from "./jsonerror";

function parseError(text: string): string {
  try {
    JSON.parse(text);
  } catch {
    return jsonError(text);
  }
  return "";
}

describe("JSON errors read by a person", () => {
  it("say where and what, never the parser's own words", () => {
    const m = parseError('{"a": 1,}');
    expect(m).toBe('not valid JSON: unexpected "}" at line 1, column 9');
    expect(m).not.toMatch(/position|Unexpected token|SyntaxError/);
    expect(parseError('{\n  "a": x\n}')).toBe('not valid JSON: unexpected "x" at line 2, column 8');
    expect(parseError('{"a": [1, 2')).toBe("not valid JSON: it ends too early at line 1, column 12");
    expect(parseError("   ")).toBe("not valid JSON: it is empty");
  });
  it("reads the text itself, whatever the engine's wording", () => {
    expect(jsonError('{"a" 1}')).toBe('not valid JSON: unexpected "1" at line 1, column 6');
    expect(jsonError("[1")).toBe("not valid JSON: it ends too early at line 1, column 3");
    expect(jsonError("[1] x")).toBe('not valid JSON: unexpected "x" at line 1, column 5');
    expect(jsonError('"a\\q"')).toBe('not valid JSON: unexpected "q" at line 1, column 4');
  });
  it("agrees with JSON.parse on what is valid", () => {
    for (const t of ['{"a":[1,2.5e3,-0,true,false,null,"x\\n\\u00e9"]}', "[]", "{}", " 1 ", '"s"']) {
      expect(() => JSON.parse(t)).not.toThrow();
      expect(errorAt(t)).toBe(-1);
    }
    for (const t of ["{", "[1,]", "01", "-", "tru", '{"a"}', "[1 2]", '"\\u12"', "1.", "NaN"]) {
      expect(() => JSON.parse(t)).toThrow();
      expect(errorAt(t)).toBeGreaterThanOrEqual(0);
    }
  });
  it("articles", () => {
    expect(withArticle("image")).toBe("an image");
    expect(withArticle("audio")).toBe("an audio");
    expect(withArticle("video")).toBe("a video");
    expect(withArticle("integer")).toBe("an integer");
  });
});
