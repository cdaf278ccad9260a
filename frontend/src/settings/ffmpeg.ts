// Settings → ffmpeg: the typed calls of the ffmpeg path field and its check.
import * as App from "../../wailsjs/go/main/App";
import type { engine, nodes } from "../../wailsjs/go/models";
import { toError } from "../api/backend";
import type { Plain } from "../api/types";

export type FFmpegCheck = Plain<nodes.FFmpegCheck>;
export type Setting = Plain<engine.Setting>;

export const FFMPEG_PATH = "ffmpeg_path";

async function call<T>(p: () => Promise<unknown>): Promise<T> {
  try {
    return (await p()) as T;
  } catch (e) {
    throw toError(e);
  }
}

/** settingValue is the value of setting key in a list of the settings ("" when it is not there). */
export function settingValue(list: Setting[], key: string): string {
  return list.find((s) => s.key === key)?.value ?? "";
}

export const settingsApi = {
  list: () => call<Setting[]>(() => App.ListSettings()).then((l) => l ?? []),
  /** get is one setting's value (as settingValue). */
  get: (key: string) => settingsApi.list().then((l) => settingValue(l, key)),
  set: (key: string, value: string) => call<Setting[]>(() => App.SetSetting(key, value)).then((l) => l ?? []),
  checkFFmpeg: () => call<FFmpegCheck>(() => App.CheckFFmpeg()),
};

/** checkText is one line about a check: the version found, or why ffmpeg cannot be used. */
export function checkText(c: FFmpegCheck): string {
  if (!c.ok) return c.error || "ffmpeg cannot be used";
  return `${c.version} — ${c.ffmpeg}${c.ffprobe ? `, ffprobe ${c.ffprobe}` : ""}`;
}
