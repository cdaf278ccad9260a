import { describe, expect, it } from "vitest";
import { mixDown, peaks, sparkPath } from "./waveform";

describe("peaks", () => {
  it("keeps the loudest sample of each bucket", () => {
    expect(peaks([0, 0.5, -1, 0.25, 0.1, -0.2, 0, 0], 4)).toEqual([0.5, 1, 0.2, 0]);
  });
  it("gives n zero buckets for silence or no samples", () => {
    expect(peaks([], 3)).toEqual([0, 0, 0]);
    expect(peaks([0, 0], 2)).toEqual([0, 0]);
  });
  it("spreads fewer samples than buckets", () => {
    expect(peaks([1, -0.5], 4)).toEqual([1, 1, 0.5, 0.5]);
  });
});

describe("mixDown", () => {
  it("averages channels", () => {
    expect(Array.from(mixDown([new Float32Array([1, 0]), new Float32Array([0, 1])]))).toEqual([0.5, 0.5]);
  });
});

describe("sparkPath", () => {
  it("scales min to the bottom and max to the top", () => {
    expect(sparkPath([0, 1, 0.5], 10, 4)).toBe("M0.0,4.0 L5.0,0.0 L10.0,2.0");
  });
  it("thins long vectors to maxPoints, keeping spikes", () => {
    const v = new Array(1000).fill(0);
    v[500] = 9;
    const d = sparkPath(v, 100, 10, 100);
    expect(d.split(" ")).toHaveLength(100);
    expect(d).toContain(",0.0");
  });
  it("draws a flat vector mid-free at the bottom, and nothing for none", () => {
    expect(sparkPath([2, 2], 10, 4)).toBe("M0.0,4.0 L10.0,4.0");
    expect(sparkPath([], 10, 4)).toBe("");
  });
});
