import { describe, expect, it } from "vitest";
import { assetSrc, classify, clip, isAssetRef, summarizeOutputs, summarizePreview } from "./classify";

const sha = "a".repeat(64);

describe("classify", () => {
  it("tells media apart by mime type; SVG is an image", () => {
    expect(classify({ asset: sha, mime: "image/png", name: "a.png" }).kind).toBe("image");
    expect(classify({ asset: sha, mime: "image/svg+xml", name: "a.svg" }).kind).toBe("image");
    expect(classify({ asset: sha, mime: "audio/wav", name: "a.wav" }).kind).toBe("audio");
    expect(classify({ asset: sha, mime: "video/mp4", name: "a.mp4" }).kind).toBe("video");
    expect(classify({ asset: sha, mime: "application/pdf", name: "a.pdf" }).kind).toBe("file");
  });

  it("shows strings, numbers and booleans as text; objects and arrays as JSON", () => {
    expect(classify("<b>hi</b>")).toEqual({ kind: "text", text: "<b>hi</b>" });
    expect(classify(4.5)).toEqual({ kind: "text", text: "4.5" });
    expect(classify(false)).toEqual({ kind: "text", text: "false" });
    expect(classify({ a: 1 }).kind).toBe("json");
    expect(classify([1, 2]).kind).toBe("json");
    expect(classify(null).kind).toBe("empty");
  });

  it("does not take any object with an asset key for media", () => {
    expect(isAssetRef({ asset: "../../etc/passwd", mime: "image/png" })).toBe(false);
    expect(assetSrc("../x")).toBe("");
    expect(assetSrc(sha)).toBe(`/assets/${sha}`);
  });
});

describe("summaries", () => {
  it("prefers an image output for the node thumbnail", () => {
    const s = summarizeOutputs({ duration: 2, image: { asset: sha, mime: "image/png", name: "x.png" } });
    expect(s.image?.asset).toBe(sha);
  });

  it("clips text outputs to one short line", () => {
    expect(summarizeOutputs({ text: "hello\n  world" }).text).toBe("hello world");
    expect(summarizeOutputs({ a: 1, b: "x" }).text).toBe('{"a":1,"b":"x"}');
    expect(clip("abcdef", 4)).toBe("abc…");
  });

  it("reads an image out of a node event's preview text, even a cut one", () => {
    const preview = `{"asset":"${sha}","mime":"image/png","name":"cat \\"1\\".png"}`;
    expect(summarizePreview(preview).image).toEqual({ asset: sha, mime: "image/png", name: 'cat "1".png' });
    const multi = `{"audio":{"asset":"${sha}","mime":"audio/wav","name":"a.wav"},"duration":1.5}`;
    expect(summarizePreview(multi).media?.mime).toBe("audio/wav");
    expect(summarizePreview("42").text).toBe("42");
  });
});
