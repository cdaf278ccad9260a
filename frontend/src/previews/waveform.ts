// Audio waveforms drawn in the window: the asset is fetched and decoded by the browser
// (Web Audio), reduced to peaks, and cached by its hash (an asset never changes).

/** peaks reduces samples to n buckets, each the largest absolute sample in it (0..1). */
export function peaks(samples: ArrayLike<number>, n: number): number[] {
  const out = new Array<number>(Math.max(0, n)).fill(0);
  if (n <= 0 || samples.length === 0) return out;
  const per = samples.length / n;
  for (let b = 0; b < n; b++) {
    const from = Math.floor(b * per);
    const to = Math.max(from + 1, Math.floor((b + 1) * per));
    let m = 0;
    for (let i = from; i < to && i < samples.length; i++) {
      const a = Math.abs(samples[i]);
      if (a > m) m = a;
    }
    out[b] = Math.min(1, m);
  }
  return out;
}

/** mixDown averages the channels of a decoded buffer into one. */
export function mixDown(channels: ArrayLike<number>[]): Float32Array {
  const len = channels.length ? Math.min(...channels.map((c) => c.length)) : 0;
  const out = new Float32Array(len);
  for (const c of channels) for (let i = 0; i < len; i++) out[i] += c[i] / channels.length;
  return out;
}

/** WAVE_BUCKETS is how many bars a waveform has (it scales to any width). */
export const WAVE_BUCKETS = 96;

export interface WaveInfo {
  peaks: number[];
  duration: number;
}

const cache = new Map<string, Promise<WaveInfo>>();

/** loadWaveform fetches and decodes an audio asset once; later calls share the result. */
export function loadWaveform(src: string): Promise<WaveInfo> {
  let p = cache.get(src);
  if (!p) {
    p = (async () => {
      const res = await fetch(src);
      if (!res.ok) throw new Error(`${src}: HTTP ${res.status}`);
      const data = await res.arrayBuffer();
      const Ctx = window.OfflineAudioContext ?? (window as unknown as { webkitOfflineAudioContext?: typeof OfflineAudioContext }).webkitOfflineAudioContext;
      if (!Ctx) throw new Error("this window cannot decode audio");
      const ctx = new Ctx(1, 1, 44100);
      const buf = await ctx.decodeAudioData(data);
      const chans = Array.from({ length: buf.numberOfChannels }, (_, i) => buf.getChannelData(i));
      return { peaks: peaks(mixDown(chans), WAVE_BUCKETS), duration: buf.duration };
    })();
    cache.set(src, p);
    p.catch(() => cache.delete(src));
  }
  return p;
}

/** sparkPath is an SVG path through values scaled into a w×h box (min at the bottom). */
export function sparkPath(values: readonly number[], w: number, h: number, maxPoints = 256): string {
  if (values.length === 0) return "";
  // long vectors are thinned to maxPoints (min and max of each stretch, so spikes stay)
  const pts: number[] = [];
  if (values.length <= maxPoints) pts.push(...values);
  else {
    const per = values.length / (maxPoints / 2);
    for (let b = 0; b < maxPoints / 2; b++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = Math.floor(b * per); i < Math.floor((b + 1) * per) && i < values.length; i++) {
        lo = Math.min(lo, values[i]);
        hi = Math.max(hi, values[i]);
      }
      if (lo !== Infinity) pts.push(lo, hi);
    }
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of pts) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const range = hi - lo || 1;
  const step = pts.length > 1 ? w / (pts.length - 1) : 0;
  return pts
    .map((v, i) => `${i === 0 ? "M" : "L"}${(i * step).toFixed(1)},${(h - ((v - lo) / range) * h).toFixed(1)}`)
    .join(" ");
}
