import { describe, expect, it } from "vitest";
import { parseRunCap, RUN_CAP_MAX } from "./runcap";

describe("parseRunCap", () => {
  it("takes a whole number from 1 to the maximum, spaces around it allowed", () => {
    expect(parseRunCap("1")).toBe(1);
    expect(parseRunCap(" 8 ")).toBe(8);
    expect(parseRunCap(String(RUN_CAP_MAX))).toBe(RUN_CAP_MAX);
  });
  it("refuses anything else, naming the range and what it got", () => {
    for (const bad of ["", "0", "65", "2.5", "-3", "1e1", "four", "0x10"]) {
      const got = parseRunCap(bad);
      expect(got, bad).toBeInstanceOf(Error);
      expect((got as Error).message).toContain(`from 1 to ${RUN_CAP_MAX}, got "${bad.trim()}"`);
    }
  });
});
