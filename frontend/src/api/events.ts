// Window events from the backend. Each Wails event name is subscribed to once, on first use,
// and fanned out to listeners here, so components can come and go without piling up Wails
// subscriptions.
//
// Engine events come in one Wails event, "events": a list of RunEvent, each item keeping its
// own type. The backend's edge (bridge.go) is the one place they are batched; the contract it
// keeps: every event arrives, in the order the engine emitted it (within a list and from one
// list to the next), so a run's events come in causal order (queued, running, its nodes'
// events, its end) and nothing here or in the stores guards against disorder; progress and
// stream items are already coalesced (at most one message every ~33 ms). A list is handed to
// batch listeners (onEvents: the runs store applies it in one update) and then item by item
// to the listeners of each item's type (onEvent).
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
  /** the data home's queue was paused or resumed (status "paused" | "resumed"), by any process */
  queue: RunEvent;
  menu: MenuAction;
  filedrop: FileDrop;
  /** the workflow file the window was started with is imported (payload: its path) */
  openfile: string;
}
export type EventName = keyof EventMap;

/** ENGINE_EVENTS is the Wails event engine events travel in (bridge.go windowEvents). */
export const ENGINE_EVENTS = "events";

/** The item types of an ENGINE_EVENTS list. */
const ENGINE_TYPES = new Set<string>(["run", "node", "progress", "stream", "log", "stale", "generations", "queue"]);

type Listener<K extends EventName> = (payload: EventMap[K]) => void;
type BatchListener = (events: readonly RunEvent[]) => void;

const listeners = new Map<EventName, Set<Listener<never>>>();
const batchListeners = new Set<BatchListener>();
const subscribed = new Set<string>();

interface WailsRuntime {
  EventsOn?: (name: string, cb: (...data: unknown[]) => void) => () => void;
}

function runtime(): WailsRuntime | undefined {
  return typeof window === "undefined" ? undefined : (window as unknown as { runtime?: WailsRuntime }).runtime;
}

/** wailsName is the Wails event a listener of name hears through. */
function wailsName(name: EventName): string {
  return ENGINE_TYPES.has(name) ? ENGINE_EVENTS : name;
}

function ensureSubscribed(wails: string) {
  if (subscribed.has(wails)) return;
  const rt = runtime();
  if (!rt?.EventsOn) return; // no bridge (tests); emit() and emitEvents() still deliver
  subscribed.add(wails);
  rt.EventsOn(wails, (payload: unknown) => {
    if (wails === ENGINE_EVENTS) emitEvents(payload as RunEvent[]);
    else emit(wails as EventName, payload as EventMap[EventName]);
  });
}

/** onEvent listens to one kind of backend event; it returns the function that stops listening. */
export function onEvent<K extends EventName>(name: K, fn: Listener<K>): () => void {
  ensureSubscribed(wailsName(name));
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

/** onEvents hears every list of engine events, whole, before the item listeners. */
export function onEvents(fn: BatchListener): () => void {
  ensureSubscribed(ENGINE_EVENTS);
  batchListeners.add(fn);
  return () => {
    batchListeners.delete(fn);
  };
}

/** emit delivers an event to the listeners of its name (the bridge calls it; tests may too). */
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

/** emitEvents delivers one list of engine events: whole to onEvents, then item by item. */
export function emitEvents(events: readonly RunEvent[]): void {
  if (!Array.isArray(events) || events.length === 0) return;
  for (const fn of [...batchListeners]) {
    try {
      fn(events);
    } catch (err) {
      console.error("handling engine events", err);
    }
  }
  for (const e of events) if (ENGINE_TYPES.has(e.type)) emit(e.type as EventName, e);
}

/** retrySubscriptions subscribes names whose listeners came before the bridge was ready. */
export function retrySubscriptions(): void {
  for (const name of listeners.keys()) ensureSubscribed(wailsName(name));
  if (batchListeners.size) ensureSubscribed(ENGINE_EVENTS);
}
