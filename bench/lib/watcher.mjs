// One Socket.IO client in the bench process that remembers when each run reached each status.
import { io } from 'socket.io-client';

import { nowMs } from './util.mjs';

export class RunWatcher {
  runs = new Map(); // id -> { status, version, at: { status: t } }
  waiters = new Map(); // id -> Set of checks: an update wakes only the waiters of its run

  static async connect(base, token) {
    const watcher = new RunWatcher();
    watcher.socket = io(`${base}/runs`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: true,
      forceNew: true,
    });
    watcher.socket.on('run.updated', (view) => watcher.onUpdate(view));
    await new Promise((resolve, reject) => {
      watcher.socket.once('connect', resolve);
      watcher.socket.once('connect_error', (e) => reject(new Error(`socket: ${e.message}`)));
    });
    return watcher;
  }

  onUpdate(view) {
    const t = nowMs();
    let run = this.runs.get(view.id);
    if (!run) {
      run = { status: null, version: -1, at: {}, history: [] };
      this.runs.set(view.id, run);
    }
    if (view.version !== undefined && view.version <= run.version) return;
    run.version = view.version ?? run.version;
    run.status = view.status;
    run.at[view.status] ??= t;
    run.history.push([view.status, t]);
    for (const waiter of this.waiters.get(view.id) ?? []) waiter();
  }

  /** Resolves with the first time, not before `after`, at which `id` was seen in one of `statuses`. */
  waitFor(id, statuses, timeoutMs = 30_000, after = 0) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.runs.get(id)?.history.find(([s, t]) => t >= after && statuses.includes(s));
        if (hit) {
          done();
          resolve({ t: hit[1], status: hit[0] });
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`run ${id} did not reach ${statuses.join('/')} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        const checks = this.waiters.get(id);
        checks?.delete(check);
        if (checks?.size === 0) this.waiters.delete(id);
      };
      if (!this.waiters.has(id)) this.waiters.set(id, new Set());
      this.waiters.get(id).add(check);
      check();
    });
  }

  close() {
    this.socket.close();
  }
}
