// Window events from the backend. Each event name is subscribed to once, on first use, and
// fanned out to listeners here, so components can come and go without piling up Wails
// subscriptions.
import type { FileDrop, MenuAction, RunEvent } from "./types";

export interface EventMap {
  run: RunEvent;
  node: RunEvent;
  progress: RunEvent;
  stream: RunEvent;
  log: RunEvent;
  stale: RunEvent;
  /** another process changed a followed workflow's generations or picks */
  generations: RunEvent;
  menu: MenuAction;
  filedrop: FileDrop;
  /** the workflow file the window was started with is imported (payload: its path) */
  openfile: string;
}
export type EventName = keyof EventMap;

type Listener<K extends EventName> = (payload: EventMap[K]) => void;

const listeners = new Map<EventName, Set<Listener<never>>>();
const subscribed = new Set<EventName>();

interface WailsRuntime {
  EventsOn?: (name: string, cb: (...data: unknown[]) => void) => () => void;
}

function runtime(): WailsRuntime | undefined {
  return typeof window === "undefined" ? undefined : (window as unknown as { runtime?: WailsRuntime }).runtime;
}

const BATCHED = new Set<string>(["node", "progress", "stream", "log"]);

/** itemName is the event an item of a batched "node" message is: its own type. */
function itemName(name: EventName, item: unknown): EventName {
  const t = (item as { type?: unknown } | null)?.type;
  return name === "node" && typeof t === "string" && BATCHED.has(t) ? (t as EventName) : name;
}

function ensureSubscribed(name: EventName) {
  if (subscribed.has(name)) return;
  const rt = runtime();
  if (!rt?.EventsOn) return; // no bridge (tests); emit() still delivers
  subscribed.add(name);
  // The backend sends node events in batches (a list every 25 ms); each item is delivered
  // on its own, in order. A "node" list also carries the progress, stream and log events
  // between them: each goes to the listeners of its own type.
  rt.EventsOn(name, (payload: unknown) => {
    if (Array.isArray(payload)) for (const item of payload) emit(itemName(name, item), item as EventMap[typeof name]);
    else emit(name, payload as EventMap[typeof name]);
  });
}

/** onEvent listens to a backend event; it returns the function that stops listening. */
export function onEvent<K extends EventName>(name: K, fn: Listener<K>): () => void {
  ensureSubscribed(name);
  let set = listeners.get(name);
  if (!set) {
    set = new Set();
    listeners.set(name, set);
  }
  set.add(fn as Listener<never>);
  return () => {
    set.delete(fn as Listener<never>);
  };
}

/** emit delivers an event to the listeners (the bridge calls it; tests may too). */
export function emit<K extends EventName>(name: K, payload: EventMap[K]): void {
  const set = listeners.get(name);
  if (!set) return;
  for (const fn of [...set]) {
    try {
      (fn as Listener<K>)(payload);
    } catch (err) {
      console.error(`handling "${name}" event`, err);
    }
  }
}

/** retrySubscriptions subscribes names whose listeners came before the bridge was ready. */
export function retrySubscriptions(): void {
  for (const name of listeners.keys()) ensureSubscribed(name);
}
