import { describe, expect, it } from "vitest";
import { formatDuration } from "./format";

describe("formatDuration", () => {
  it.each([
    [0, "0 ms"],
    [120, "120 ms"],
    [999.4, "999 ms"],
    [999.6, "1 s"],
    [1000, "1 s"],
    [1500, "1.5 s"],
    [59_940, "59.9 s"],
    [59_960, "1 min"],
    [123_000, "2 min 3 s"],
    [3_600_000, "1 h"],
    [3_720_000, "1 h 2 min"],
  ])("formats %d ms as %s", (ms, want) => {
    expect(formatDuration(ms)).toBe(want);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])("shows a dash for %d", (ms) => {
    expect(formatDuration(ms)).toBe("—");
  });
});
