import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkerInfo } from '@onward/task-domain';
import IORedis from 'ioredis';

import { pollUntil } from '../../../test/support/api';
import { deleteRedisPrefix, REDIS_URL, redisUrlWithPrefix, uniqueRedisPrefix } from '../../../test/support/redis';
import { describeNeeding } from '../../../test/support/services';
import { loadConfig } from '../config/onward-config';
import { ActiveRuns } from '../engine/active-runs';
import type { Announcer } from '../engine/announcer.port';
import { type RunEvent, RunEvents } from '../engine/run-events';
import { WorkerPresence } from './worker-presence';

// Heartbeats on the real Redis: two presences on one prefix stand for an API process and a worker
// process; each beat is called directly rather than waited for.
describeNeeding(['redis'], 'WorkerPresence: telling admins when processes come and go', () => {
  const prefix = uniqueRedisPrefix();
  const dataDir = mkdtempSync(join(tmpdir(), 'onward-presence-'));
  let redis: IORedis;
  /** The presences still running, stopped after the tests. */
  const running = new Set<WorkerPresence>();

  /** A process's presence, and the hints it sent to the sockets. */
  async function startPresence(role: 'api' | 'worker'): Promise<{ presence: WorkerPresence; hints: RunEvent[] }> {
    const config = loadConfig({
      ONWARD_DATA_DIR: dataDir,
      REDIS_URL: redisUrlWithPrefix(prefix),
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      ONWARD_ROLE: role,
    });
    const hints: RunEvent[] = [];
    const announcer = {
      announce: (event: RunEvent) => {
        if (event.type === 'stats') hints.push(event);
      },
      flushed: () => Promise.resolve(),
    } as Announcer;
    const presence = new WorkerPresence(config, new ActiveRuns(), new RunEvents(announcer));
    await presence.onApplicationBootstrap();
    running.add(presence);
    return { presence, hints };
  }

  /** An orderly stop (once: a stopped presence's client is closed for good). */
  const stop = async (presence: WorkerPresence): Promise<void> => {
    running.delete(presence);
    await presence.onApplicationShutdown();
  };

  /** A heartbeat key as another process writes it. */
  const writeHeartbeat = (id: string, ttlMs: number): Promise<unknown> => {
    const info: WorkerInfo = {
      id,
      host: 'elsewhere',
      pid: 1,
      role: 'worker',
      startedAt: new Date().toISOString(),
      lastSeenAt: new Date().toISOString(),
      running: [],
    };
    return redis.set(`${prefix}:workers:${id}`, JSON.stringify(info), 'PX', ttlMs);
  };

  beforeAll(() => {
    redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    await Promise.all([...running].map(stop));
    redis?.disconnect();
    await deleteRedisPrefix(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('hints its own sockets once per change of the processes alive: a start, an orderly stop, an expiry', async () => {
    const api = await startPresence('api');
    const worker = await startPresence('worker');

    // The worker's first heartbeat, seen at the API's next beat; the beat after has nothing new.
    await api.presence.beat();
    expect(api.hints).toEqual([{ type: 'stats', local: true }]);
    await api.presence.beat();
    expect(api.hints).toHaveLength(1);

    // An orderly stop deletes the key at once.
    await stop(worker.presence);
    await api.presence.beat();
    expect(api.hints).toHaveLength(2);

    // A killed process: its key appears, then expires.
    await writeHeartbeat('killed-one', 300);
    await api.presence.beat();
    expect(api.hints).toHaveLength(3);
    await pollUntil(
      () => redis.exists(`${prefix}:workers:killed-one`),
      (n) => n === 0,
      5_000,
      'the key expired',
    );
    await api.presence.beat();
    expect(api.hints).toHaveLength(4);
    expect(api.hints.every((hint) => hint.type === 'stats' && hint.local)).toBe(true);
  });

  it('never hints from a worker process: it has no sockets, and the API processes tell theirs', async () => {
    const worker = await startPresence('worker');
    await writeHeartbeat('another-one', 60_000);
    await worker.presence.beat();
    await redis.del(`${prefix}:workers:another-one`);
    await worker.presence.beat();
    expect(worker.hints).toEqual([]);
  });
});
