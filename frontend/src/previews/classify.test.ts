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

describe("generative outputs", () => {
  const img = (n: number) => ({ asset: String(n).repeat(64).slice(0, 64).replace(/[^0-9a-f]/g, "a"), mime: "image/png", name: `f${n}.png` });
  const vec = Array.from({ length: 16 }, (_, i) => Math.sin(i));

  it("shows arrays of images as a strip, vectors as embeddings", () => {
    expect(classify([img(1), img(2)]).kind).toBe("images");
    expect(classify(vec).kind).toBe("vector");
    expect(classify([vec, vec]).kind).toBe("vectors");
    expect(classify([1, 2, 3]).kind).toBe("json");
    expect(classify([img(1), "x"]).kind).toBe("json");
  });

  it("summarizes embeddings, image arrays, audio and structured json for a node", () => {
    expect(summarizeOutputs({ embedding: vec, embeddings: [vec] })).toMatchObject({ vector: vec, text: "16 dimensions" });
    expect(summarizeOutputs({ embeddings: [vec, vec, vec] })).toMatchObject({ vector: vec, rows: 3 });
    expect(summarizeOutputs({ images: [img(1), img(2)] })).toMatchObject({ images: [img(1), img(2)], text: "2 images" });
    expect(summarizeOutputs({ audio: { asset: sha, mime: "audio/wav", name: "a.wav" } })).toMatchObject({ media: { mime: "audio/wav" } });
    const s = summarizeOutputs({ text: '{"title":"x"}', usage: { total_tokens: 3 }, json: { title: "A storm", scenes: [1, 2] } });
    expect(s.fields).toEqual([
      ["title", "A storm"],
      ["scenes", "[1,2]"],
    ]);
  });
});

describe("summarizePreview of generative outputs", () => {
  it("reads a whole preview as the outputs themselves", () => {
    expect(summarizePreview('{"json":{"mood":"stormy"},"text":"{}","usage":{}}').fields).toEqual([["mood", "stormy"]]);
    expect(summarizePreview('{"result":10}')).toEqual({ text: "10" });
  });
  it("marks a preview cut at its limit, so the node fetches the generation", () => {
    const cut = '{"embedding":[0.10880648603591933,-0.0663620356444495';
    expect(summarizePreview(cut)).toMatchObject({ cut: true });
    expect(summarizePreview('{"result":10}').cut).toBeUndefined();
  });
});

describe("structured and cut previews", () => {
  it("shows the fields of a node's only output when it is an object", () => {
    expect(summarizeOutputs({ value: { title: "x", n: 2 } }).fields).toEqual([
      ["title", "x"],
      ["n", "2"],
    ]);
  });
  it("marks a cut preview holding an image, so the whole array is fetched", () => {
    const p = `{"images":[{"asset":"${sha}","mime":"image/png","name":"f1.png"},{"asset":"${sha}","mime":"ima`;
    expect(summarizePreview(p)).toMatchObject({ image: { asset: sha }, cut: true });
  });
});
