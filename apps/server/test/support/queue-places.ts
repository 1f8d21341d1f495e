/**
 * A queue of two users' runs held by `bench-pause`, and the check that every queued run is told its
 * real place: by GET /api/runs, and by the last `run.updated` each of the user's sockets received.
 * The real place is computed here from the test's own record of the order the runs were started in
 * and the statuses the server reports, as API.md defines it.
 */
import type { Api } from './api';
import type { RunStatus, RunView } from './contract';
import type { RunsSocket } from './sockets';

/** Held until cancelled; a run started with `QUICK` ends at once when it starts. */
export const HELD = { task: 'bench-pause', parameters: { steps: 1, ms: 600_000 }, mode: 'background' as const };
export const QUICK = { task: 'bench-pause', parameters: { steps: 1, ms: 0 }, mode: 'background' as const };
/** API.md: a place is exact up to 100; places beyond are not pushed. */
export const EXACT_PLACES = 100;

export interface QueueUser {
  name: string;
  api: Api;
  /** Sockets of this user (on one server process or several). */
  sockets: RunsSocket[];
}

export type Place = { position: number; reason: 'user-limit' | 'capacity' } | null;

/** Every unfinished top-level run of the user, by id, walking the cursor. */
export async function unfinishedRuns(api: Api): Promise<Map<string, RunView>> {
  const runs = new Map<string, RunView>();
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ status: 'queued,running,cancelling', limit: '200' });
    if (cursor) params.set('cursor', cursor);
    const page = await api.list(`?${params.toString()}`);
    for (const run of page.items) runs.set(run.id, run);
    cursor = page.nextCursor;
  } while (cursor);
  return runs;
}

const executing = (status: RunStatus): boolean => status === 'running' || status === 'cancelling';

/**
 * The real places (API.md, Execution rules): a run waits for its own user's earlier queued runs when
 * that user's `limit` is taken by their executing runs and earlier queued ones (`user-limit`, place =
 * the user's queued runs before it + 1), else for the runs before it waiting for a free worker.
 */
export function realPlaces(order: string[], views: Map<string, RunView>, limit: number): Map<string, Place> {
  const executingOf = new Map<string, number>();
  for (const run of views.values())
    if (executing(run.status)) executingOf.set(run.owner.id, (executingOf.get(run.owner.id) ?? 0) + 1);
  const queuedOf = new Map<string, number>();
  let forCapacity = 0;
  const places = new Map<string, Place>();
  for (const id of order) {
    const run = views.get(id);
    if (!run || run.status !== 'queued') continue;
    const ahead = queuedOf.get(run.owner.id) ?? 0;
    if (ahead + (executingOf.get(run.owner.id) ?? 0) >= limit) {
      places.set(id, { position: ahead + 1, reason: 'user-limit' });
    } else {
      places.set(id, { position: ++forCapacity, reason: 'capacity' });
    }
    queuedOf.set(run.owner.id, ahead + 1);
  }
  return places;
}

/** The newest view (highest version) of a run this socket has received. */
export function lastPushed(socket: RunsSocket, id: string): RunView | undefined {
  let last: RunView | undefined;
  for (const view of socket.updates((r) => r.id === id)) if (!last || view.version > last.version) last = view;
  return last;
}

export interface QueueState {
  views: Map<string, RunView>;
  places: Map<string, Place>;
}

/**
 * What is wrong now, or an empty list: a run still cancelling, a queued run that could start (the queue
 * has not settled), a queued run whose place (GET, or the last push for places up to 100) is not its real one.
 */
export async function queueMismatches(
  users: QueueUser[],
  order: string[],
  limit: number,
  capacity: number,
): Promise<{ problems: string[]; state: QueueState }> {
  const views = new Map<string, RunView>();
  for (const user of users) for (const [id, run] of await unfinishedRuns(user.api)) views.set(id, run);
  const places = realPlaces(order, views, limit);
  const problems: string[] = [];
  const all = [...views.values()];
  if (all.some((r) => r.status === 'cancelling')) problems.push('a run is still cancelling');
  const busy = all.filter((r) => executing(r.status)).length;
  const canStart = [...places.values()].some((p) => p?.reason === 'capacity');
  if (canStart && busy < capacity) problems.push(`${busy} of ${capacity} workers busy while a run waits for one`);
  for (const user of users) {
    for (const [id, real] of places) {
      const view = views.get(id) as RunView;
      if (view.owner.id !== user.api.login?.user.id) continue;
      if (!same(view.queue, real)) problems.push(`${user.name} ${id}: GET says ${fmt(view.queue)}, real ${fmt(real)}`);
      if (!real || real.position > EXACT_PLACES) continue;
      user.sockets.forEach((socket, n) => {
        const pushed = lastPushed(socket, id)?.queue ?? null;
        if (!same(pushed, real))
          problems.push(`${user.name} ${id} socket ${n}: pushed ${fmt(pushed)}, real ${fmt(real)}`);
      });
    }
  }
  return { problems, state: { views, places } };
}

/** Polls until the queue has settled and every place told is the real one; throws with what is still wrong. */
export async function expectPlacesTold(
  users: QueueUser[],
  order: string[],
  limit: number,
  capacity: number,
  step: string,
  withinMs = 30_000,
): Promise<QueueState> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const { problems, state } = await queueMismatches(users, order, limit, capacity);
    if (problems.length === 0) return state;
    if (Date.now() > deadline) {
      throw new Error(`${step}: ${problems.length} wrong, e.g.\n${problems.slice(0, 12).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // a poll's pace, as pollUntil's
  }
}

/** Starts `count` runs, alternating between the users, one answer before the next start (the queue's order). */
export async function startQueue(users: QueueUser[], count: number, quickEvery = 0): Promise<string[]> {
  const order: string[] = [];
  for (let i = 0; i < count; i++) {
    const user = users[i % users.length];
    const quick = quickEvery > 0 && i % quickEvery === quickEvery - 1;
    const run = await user.api.startRun(quick ? QUICK : HELD);
    expect(run.queue === null || run.status === 'queued').toBe(true);
    order.push(run.id);
  }
  return order;
}

/** The queued run of `owner` at real place `position` (user-limit or capacity), if any. */
export function queuedAt(state: QueueState, ownerId: string, position: number): string | undefined {
  return [...state.places].find(
    ([id, p]) => state.views.get(id)?.owner.id === ownerId && p?.position === position,
  )?.[0];
}

export function runningOf(state: QueueState, ownerId: string): string[] {
  return [...state.views.values()].filter((r) => r.owner.id === ownerId && r.status === 'running').map((r) => r.id);
}

function same(a: Place, b: Place): boolean {
  return a === b || (a !== null && b !== null && a.position === b.position && a.reason === b.reason);
}

function fmt(place: Place): string {
  return place ? `${place.reason} ${place.position}` : 'none';
}

/**
 * Pushes of queued runs that repeat the place the socket was last told for the same run: noise, such
 * as one push by each API process that saw the same change.
 */
export function repeatedPlaces(socket: RunsSocket): number {
  let repeated = 0;
  const last = new Map<string, string>();
  for (const view of socket.updates((v) => v.status === 'queued')) {
    const place = JSON.stringify(view.queue);
    if (last.get(view.id) === place) repeated++;
    last.set(view.id, place);
  }
  return repeated;
}
