// Poster frames of video assets, taken in the window: the video is loaded muted, seeked a
// little in (past a black first frame) and the frame drawn to a canvas. Cached by asset.

/** posterTime is where the poster frame is taken: 10% in, at most half a second. */
export function posterTime(duration: number): number {
  if (!Number.isFinite(duration) || duration <= 0) return 0;
  return Math.min(0.5, duration * 0.1);
}

/** POSTER_WIDTH is the widest a poster is kept (a node thumbnail, a panel preview). */
export const POSTER_WIDTH = 360;

export interface PosterInfo {
  url: string;
  width: number;
  height: number;
  duration: number;
}

const cache = new Map<string, Promise<PosterInfo>>();

/** loadPoster takes a video's poster frame once; later calls share the result. */
export function loadPoster(src: string, timeoutMs = 20_000): Promise<PosterInfo> {
  let p = cache.get(src);
  if (!p) {
    p = new Promise<PosterInfo>((resolve, reject) => {
      const v = document.createElement("video");
      v.muted = true;
      v.preload = "auto";
      v.playsInline = true;
      const timer = window.setTimeout(() => done(new Error("the video did not load")), timeoutMs);
      const done = (err: Error | null, info?: PosterInfo) => {
        window.clearTimeout(timer);
        v.removeAttribute("src");
        v.load();
        if (err) reject(err);
        else resolve(info!);
      };
      v.onerror = () => done(new Error(`this window cannot play the video (error ${v.error?.code ?? "?"})`));
      v.onloadedmetadata = () => {
        v.currentTime = posterTime(v.duration);
      };
      v.onseeked = () => {
        const w = Math.min(POSTER_WIDTH, v.videoWidth || POSTER_WIDTH);
        const h = Math.max(1, Math.round((w * (v.videoHeight || 1)) / (v.videoWidth || 1)));
        const c = document.createElement("canvas");
        c.width = w;
        c.height = h;
        const g = c.getContext("2d");
        if (!g) return done(new Error("no canvas"));
        g.drawImage(v, 0, 0, w, h);
        done(null, { url: c.toDataURL("image/jpeg", 0.85), width: w, height: h, duration: v.duration });
      };
      v.src = src;
    });
    cache.set(src, p);
    p.catch(() => cache.delete(src));
  }
  return p;
}
