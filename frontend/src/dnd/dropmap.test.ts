import { describe, expect, it } from "vitest";
import { baseName, decideDrop, extension, fieldAccepts, loadParams, placeDrop } from "./dropmap";

describe("drop to node", () => {
  it("maps files to load nodes by extension, case-insensitively", () => {
    const cases: [string, string][] = [
      ["/tmp/cat.PNG", "image.load"],
      ["/tmp/photo.jpeg", "image.load"],
      ["/tmp/a.webp", "image.load"],
      ["/home/me/song.mp3", "audio.load"],
      ["/x/take.flac", "audio.load"],
      ["/x/clip.mp4", "video.load"],
      ["/x/clip.webm", "video.load"],
      ["/x/notes.txt", "file.load"],
      ["/x/data.json", "file.load"],
      ["/x/logo.svg", "file.load"],
      ["C:\\Users\\me\\Pictures\\cat.gif", "image.load"],
    ];
    for (const [path, type] of cases) {
      const d = decideDrop(path);
      expect(d.ok && d.nodeType, path).toBe(type);
    }
  });

  it("explains unsupported files", () => {
    const bmp = decideDrop("/x/scan.bmp");
    expect(bmp.ok).toBe(false);
    expect(!bmp.ok && bmp.message).toMatch(/\.bmp images can't be read/);
    const exe = decideDrop("/x/setup.exe");
    expect(!exe.ok && exe.message).toMatch(/^setup\.exe: \.exe files are not supported/);
    const dir = decideDrop("/x/folder");
    expect(!dir.ok && dir.message).toMatch(/without an extension/);
    expect(decideDrop("/x/.bashrc").ok).toBe(false);
  });

  it("names files on every OS", () => {
    expect(baseName("C:\\a\\b.png")).toBe("b.png");
    expect(baseName("/a/b/")).toBe("b");
    expect(extension("/a/archive.tar.GZ")).toBe("gz");
  });

  it("lays several files out under the drop point and keeps the rejects", () => {
    const { placed, rejected } = placeDrop(["/a.png", "/b.exe", "/c.wav"], { x: 10, y: 20 }, 100);
    expect(placed.map((p) => [p.decision.nodeType, p.position])).toEqual([
      ["image.load", { x: 10, y: 20 }],
      ["audio.load", { x: 10, y: 120 }],
    ]);
    expect(rejected.map((r) => r.name)).toEqual(["b.exe"]);
  });

  it("copies into the asset store or links the path", () => {
    expect(loadParams("copy", "/a.png", "f".repeat(64))).toEqual({ asset: "f".repeat(64) });
    expect(loadParams("link", "/a.png")).toEqual({ path: "/a.png" });
  });
});

describe("drop on a run form field", () => {
  it("accepts files of the field's kind only", () => {
    expect(fieldAccepts("image", "/a.png")).toEqual({ ok: true });
    expect(fieldAccepts("audio", "/a.png")).toEqual({ ok: false, message: "a.png is an image; this field takes an audio file." });
    expect(fieldAccepts("file", "/a.exe")).toEqual({ ok: true });
    expect(fieldAccepts("video", "/a.exe").ok).toBe(false);
  });
});
