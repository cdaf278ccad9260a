import { describe, expect, it } from "vitest";
import { parseConcurrency, parseURLs, testSummary, urlStateText } from "./providers";

describe("providers helpers", () => {
  it("splits URLs on lines, spaces and commas", () => {
    expect(parseURLs(" http://a:1\nhttp://b:2 , http://c\n\n")).toEqual(["http://a:1", "http://b:2", "http://c"]);
  });
  it("reads the concurrency, empty as the default", () => {
    expect(parseConcurrency("")).toBe(0);
    expect(parseConcurrency(" 3 ")).toBe(3);
    expect(parseConcurrency("0")).toBeInstanceOf(Error);
    expect(parseConcurrency("1.5")).toBeInstanceOf(Error);
  });
  it("sums a test up like the CLI", () => {
    const url = (ok: boolean) => ({ url: "u", ok, models: [], error: "", duration_ms: 1 });
    expect(testSummary({ name: "p", kind: "openai", ok: true, urls: [url(true)], error: "" })).toBe("ok");
    expect(testSummary({ name: "p", kind: "openai", ok: false, urls: [url(true), url(false)], error: "" })).toBe(
      "1 of 2 URLs reachable",
    );
    expect(testSummary({ name: "p", kind: "openai", ok: false, urls: [url(false)], error: "" })).toBe("unreachable");
  });
  it("shows a set-aside URL with its remaining time", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const s = { url: "u", busy: 1, concurrency: 2, jobs: 3, set_aside_until: "2026-01-01T00:00:12Z", last_error: "connection refused" };
    expect(urlStateText(s as never, now)).toBe("1/2 busy · 3 jobs · set aside 12 s (connection refused)");
    expect(urlStateText({ ...s, set_aside_until: undefined } as never, now)).toBe("1/2 busy · 3 jobs");
  });
});

describe("model suggestions", () => {
  it("lists the node's provider, the default one, or none for a base_url", async () => {
    const { modelSource } = await import("./providers");
    expect(modelSource({ provider: " gpus " })).toBe("gpus");
    expect(modelSource({})).toBe("");
    expect(modelSource({ base_url: "http://h:1/v1" })).toBeNull();
    expect(modelSource({ provider: "", base_url: "" })).toBe("");
  });
  it("asks once per provider and again after a failure", async () => {
    const { providerModels, forgetModels } = await import("./providers");
    forgetModels();
    let calls = 0;
    const ok = (n: string) => {
      calls++;
      return Promise.resolve([n + "-model"]);
    };
    expect(await providerModels("a", ok)).toEqual(["a-model"]);
    expect(await providerModels("a", ok)).toEqual(["a-model"]);
    expect(calls).toBe(1);
    const failing = () => Promise.reject(new Error("down"));
    expect(await providerModels("b", failing)).toEqual([]);
    expect(await providerModels("b", ok)).toEqual(["b-model"]);
  });
});
