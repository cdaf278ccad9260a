import { describe, expect, it } from "vitest";
import { extraLabel, isNumberedLabel, numberedLabel, runLabel, runName, runTitle } from "./runlabel";

describe("run labels (mirroring engine.NumberedLabel)", () => {
  it("numbers a run nothing else names", () => {
    expect(numberedLabel(3)).toBe("Run #3");
    expect(isNumberedLabel("Run #12")).toBe(true);
    expect(isNumberedLabel("Run #12 seed=2")).toBe(false);
    expect(isNumberedLabel("seed=2")).toBe(false);
  });
  it("titles a run by its number, or 'Run' before the number is known", () => {
    expect(runTitle(4)).toBe("Run #4");
    expect(runTitle(0)).toBe("Run");
  });
  it("prefers the label, else the number", () => {
    expect(runLabel("seed=2", 3)).toBe("seed=2");
    expect(runLabel("", 3)).toBe("Run #3");
  });
  it("shows the label beside the number only when it says more", () => {
    expect(extraLabel("Run #3", 3)).toBe("");
    expect(extraLabel("seed=2", 3)).toBe("seed=2");
    expect(extraLabel("Run #2", 3)).toBe("Run #2");
  });
  it("names the run in the header: number first, then the label when it says more", () => {
    expect(runName(3, "seed=2")).toBe("Run #3 seed=2");
    expect(runName(3, "Run #3")).toBe("Run #3");
    expect(runName(3, "Run #7")).toBe("Run #7");
    expect(runName(0, "seed=2")).toBe("seed=2");
    expect(runName(0, "")).toBe("a run");
    expect(runName(5, "")).toBe("Run #5");
  });
});
