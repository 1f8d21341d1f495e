import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { WorkerInfo } from '@onward/task-domain';
import IORedis from 'ioredis';

import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { ActiveRuns } from '../engine/active-runs';
import { RunEvents } from '../engine/run-events';
import { redisOptions } from '../queue/redis-connection';

/** How often a process writes its heartbeat, and how long the heartbeat outlives a silent process. */
export const HEARTBEAT_MS = 5_000;
export const HEARTBEAT_TTL_MS = 15_000;
/** Keys per SCAN round trip. */
const SCAN_COUNT = 200;

/**
 * The server processes alive now. Embedded, this process alone. In Redis mode every process writes a
 * key under `<prefix>:workers:` every few seconds with a time to live, holding what it runs; a process
 * that dies stops writing and its key expires, so the list is the keys found by SCAN (never KEYS,
 * which blocks Redis while it walks every key).
 *
 * A process with sockets also reads the list at each beat, and when processes came or went since the
 * last, tells its own admins' sockets (`stats.updated`, this process only): every such process sees
 * the change by itself, so an admin hears of it once, within a beat of the key's write or expiry.
 */
@Injectable()
export class WorkerPresence implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerPresence.name);
  private readonly self: Omit<WorkerInfo, 'lastSeenAt' | 'running'>;
  private readonly client: IORedis | null;
  private readonly keyPrefix: string;
  /** Whether this process tells its sockets when processes come or go: a worker has none. */
  private readonly watchesProcesses: boolean;
  /** The ids of the processes alive at the last look, or null before the first. */
  private seen: string | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(ONWARD_CONFIG) config: OnwardConfig,
    private readonly active: ActiveRuns,
    private readonly events: RunEvents,
  ) {
    this.self = {
      id: randomUUID(),
      host: hostname(),
      pid: process.pid,
      role: config.role,
      startedAt: new Date().toISOString(),
    };
    this.keyPrefix = `${config.redis?.prefix ?? 'onward'}:workers:`;
    // Fails fast while Redis is away: a missed heartbeat is written again at the next beat.
    this.client = config.redis
      ? new IORedis(
          redisOptions(config.redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true }),
        )
      : null;
    this.client?.on('error', () => undefined); // reconnects by itself
    this.watchesProcesses = this.client !== null && config.role !== 'worker';
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.client) return;
    try {
      await this.client.connect();
    } catch (error) {
      this.logger.warn(`Heartbeats wait for Redis: ${(error as Error).message}`);
    }
    await this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (!this.client) return;
    // A process that stops in order leaves the list at once; a killed one when its key expires.
    await this.client.del(this.key(this.self.id)).catch(() => undefined);
    this.client.disconnect();
  }

  /** This process as the list shows it now. */
  me(): WorkerInfo {
    return { ...this.self, lastSeenAt: new Date().toISOString(), running: this.active.ids() };
  }

  /** Every process alive now, by host and pid. */
  async list(): Promise<WorkerInfo[]> {
    if (!this.client) return [this.me()];
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.client.scan(cursor, 'MATCH', `${this.keyPrefix}*`, 'COUNT', SCAN_COUNT);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    const values = keys.length > 0 ? await this.client.mget(keys) : [];
    const workers = values
      .filter((value): value is string => value !== null)
      .map((value) => JSON.parse(value) as WorkerInfo)
      .filter((worker) => worker.id !== this.self.id);
    return [this.me(), ...workers].sort((a, b) => a.host.localeCompare(b.host) || a.pid - b.pid);
  }

  private key(id: string): string {
    return `${this.keyPrefix}${id}`;
  }

  /** Writes this process's heartbeat, then looks whether processes came or went (the timer's; tests call it). */
  async beat(): Promise<void> {
    if (!this.client) return;
    try {
      await this.client.set(this.key(this.self.id), JSON.stringify(this.me()), 'PX', HEARTBEAT_TTL_MS);
    } catch (error) {
      this.logger.warn(`Heartbeat not written; trying again in ${HEARTBEAT_MS / 1000} s: ${(error as Error).message}`);
      return;
    }
    if (this.watchesProcesses) await this.lookForComingsAndGoings();
  }

  private async lookForComingsAndGoings(): Promise<void> {
    let alive: string;
    try {
      alive = (await this.list())
        .map((worker) => worker.id)
        .sort()
        .join(' ');
    } catch (error) {
      this.logger.warn(`Could not list the server processes: ${(error as Error).message}`);
      return;
    }
    if (this.seen !== null && alive !== this.seen) this.events.emit({ type: 'stats', local: true });
    this.seen = alive;
  }
}
