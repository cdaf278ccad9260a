import { describe, expect, it } from "vitest";
import { checkText } from "./ffmpeg";

describe("checkText", () => {
  it("says the version and where ffmpeg is, or why it cannot be used", () => {
    expect(checkText({ ok: true, setting: "", ffmpeg: "/usr/bin/ffmpeg", ffprobe: "/usr/bin/ffprobe", version: "ffmpeg version 5.1.6" })).toBe(
      "ffmpeg version 5.1.6 — /usr/bin/ffmpeg, ffprobe /usr/bin/ffprobe",
    );
    expect(checkText({ ok: false, setting: "/x", ffmpeg: "", ffprobe: "", version: "", error: "ffmpeg was not found" })).toBe("ffmpeg was not found");
  });
});
