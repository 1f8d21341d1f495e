/** Messages between the soak test and its socket swarm child process (`socket-swarm.ts`). */

export interface SwarmUser {
  name: string;
  token: string;
  /** Sockets of this user; `subscribeAll` of them also ask for every user's runs (admins). */
  sockets: number;
  subscribeAll: number;
}

export interface SwarmConfig {
  /** API processes; socket i connects to urls[i % urls.length]. */
  urls: string[];
  users: SwarmUser[];
}

/** The final, stored state of a run that the sockets should have heard of last. */
export interface ExpectedRun {
  id: string;
  owner: string;
  version: number;
  status: string;
  /** When it last changed (finishedAt, ms since the epoch), to line up with the process logs. */
  lastChange: number;
}

export interface DeletedRun {
  id: string;
  owner: string;
}

export interface SwarmStats {
  sockets: number;
  connected: number;
  disconnects: number;
  reconnects: number;
  updates: number;
  deletes: number;
  /** run.updated views older than one the socket already held (clients drop them). */
  outOfOrder: number;
}

export interface SwarmCheck {
  /** (socket, run) pairs checked. */
  checked: number;
  /** The socket never received a run.updated of the run. */
  missing: number;
  /** The socket's newest view is older than the stored run. */
  stale: number;
  /** Same version, different status (should be impossible). */
  mismatched: number;
  /** The socket holds a version newer than the stored one (should be impossible). */
  ahead: number;
  /**
   * Deleted runs whose run.deleted a socket of the owner did not receive. None is excused, not even in
   * the Redis outage: after it, each API process sends its sockets again the runs that may have changed
   * and those deleted (from `run_deletions`).
   */
  deletesMissing: number;
  /**
   * A run.updated that arrived after the run's run.deleted (from another process, through Redis):
   * ignored, as the monitor does, but counted.
   */
  updatedAfterDelete: number;
  examples: string[];
}

export type ToSwarm =
  | { type: 'connect'; seq: number; config: SwarmConfig }
  | { type: 'stats'; seq: number }
  | { type: 'check'; seq: number; expected: ExpectedRun[]; deleted: DeletedRun[] }
  | { type: 'close'; seq: number };

export type FromSwarm =
  | { type: 'connected'; seq: number; stats: SwarmStats }
  | { type: 'stats'; seq: number; stats: SwarmStats }
  | { type: 'checked'; seq: number; check: SwarmCheck }
  | { type: 'closed'; seq: number }
  | { type: 'error'; seq: number; message: string };
