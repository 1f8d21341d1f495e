import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DelayedError, Job, Queue, WaitingError, Worker } from 'bullmq';
import IORedis from 'ioredis';

import { ONWARD_CONFIG } from '../../../config/config.module';
import type { OnwardConfig } from '../../../config/onward-config';
import type { RedisConfig } from '../../../config/storage-config';
import { redisOptions } from '../../redis-connection';
import { AbortListener, delay, HAND_BACK_MS, RunJob, RunProcessor, RunQueue } from '../../run-queue.port';

// Per-user slots: a sorted set of run ids scored by lease expiry, so a dead worker's slot lapses.
const ACQUIRE_SLOT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0`;

// Renews the lease of a run that executes already: never refused, so that after Redis lost its data
// a live run shows again (the reconciler takes a run without a job and without a lease for orphaned).
const RENEW_SLOT = `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/** The BullMQ queue that carries runs. */
export const RUNS_QUEUE = 'onward-runs';

/** Job keys looked up per round trip by `missing`. */
const EXISTS_PER_PIPELINE = 1_000;

/** The commands connection, with the slot scripts defined on it. */
type SlotCommands = IORedis & {
  acquireSlot(key: string, runId: string, cap: string, now: string, expiry: string, ttl: string): Promise<number>;
  renewSlot(key: string, runId: string, expiry: string, ttl: string): Promise<number>;
};

/**
 * The Redis driver: BullMQ (through `@nestjs/bullmq`) executes runs across processes. BullMQ holds the
 * order, durability, the per-process concurrency and stalled-job recovery; a Lua-guarded slot set caps
 * one user's runs across all processes; aborts travel over Redis pub/sub to whichever worker holds
 * the run. The queue is registered by `QueueModule.forRoot`; its worker only in processes that execute runs.
 */
@Injectable()
export class BullMqQueue extends RunQueue {
  readonly name = 'bullmq';
  private readonly logger = new Logger(BullMqQueue.name);
  private readonly settings: RedisConfig;
  /** Slots, abort messages and health: fails fast while Redis is away (BullMQ's production guide). */
  private readonly commands: SlotCommands;
  private readonly subscriber: IORedis;
  private readonly abortListeners: AbortListener[] = [];
  private readonly stopping = new AbortController();
  private readonly abortChannel: string;
  /** The run worker, in processes that execute runs (created by `startProcessing`). */
  private worker: Worker<RunJob> | null = null;

  constructor(
    @InjectQueue(RUNS_QUEUE) private readonly queue: Queue<RunJob>,
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
  ) {
    super();
    if (!config.redis) throw new Error('The BullMQ driver needs REDIS_URL');
    this.settings = config.redis;
    this.queue.on('error', (error) => this.logger.warn(`Queue: ${error.message}`));
    this.commands = new IORedis(
      redisOptions(this.settings.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }),
    ) as SlotCommands;
    // Sent as EVALSHA (the script text once per connection), not the whole script on every call.
    this.commands.defineCommand('acquireSlot', { numberOfKeys: 1, lua: ACQUIRE_SLOT });
    this.commands.defineCommand('renewSlot', { numberOfKeys: 1, lua: RENEW_SLOT });
    this.subscriber = new IORedis(redisOptions(this.settings.url, { maxRetriesPerRequest: null }));
    for (const client of [this.commands, this.subscriber]) {
      client.on('error', (error: Error) => this.logger.debug(`Redis: ${error.message}`));
    }
    this.abortChannel = `${this.settings.prefix}:${RUNS_QUEUE}:abort`;
    this.subscriber.on('message', (channel: string, runId: string) => {
      if (channel === this.abortChannel) for (const listener of this.abortListeners) listener(runId);
    });
    void this.subscriber.subscribe(this.abortChannel).catch((error: Error) => this.logger.warn(error.message));
  }

  private slotKey(ownerId: string): string {
    return `${this.settings.prefix}:${RUNS_QUEUE}:slots:${ownerId}`;
  }

  async enqueue(job: RunJob): Promise<void> {
    // jobId = runId: enqueueing twice (a retry, the reconciler) is a no-op while the job exists.
    // Finished jobs leave Redis at once: the database is the record of runs.
    await this.queue.add('run', job, { jobId: job.runId, removeOnComplete: true, removeOnFail: true });
  }

  async remove(runId: string): Promise<boolean> {
    const job = await this.queue.getJob(runId);
    if (!job) return false;
    const state = await job.getState();
    if (!['waiting', 'delayed', 'prioritized'].includes(state)) return false;
    try {
      await job.remove();
      return true;
    } catch {
      return false; // picked up meanwhile: the caller aborts it instead
    }
  }

  async abort(runId: string): Promise<void> {
    await this.commands.publish(this.abortChannel, runId);
  }

  onAbort(listener: AbortListener): void {
    this.abortListeners.push(listener);
  }

  async missing(jobs: RunJob[]): Promise<RunJob[]> {
    // A job's hash exists from its add until it finishes (removeOnComplete/removeOnFail): one EXISTS
    // each, pipelined, instead of a script per job.
    const missing: RunJob[] = [];
    for (let i = 0; i < jobs.length; i += EXISTS_PER_PIPELINE) {
      const chunk = jobs.slice(i, i + EXISTS_PER_PIPELINE);
      const answers = await this.commands.pipeline(chunk.map((job) => ['exists', this.queue.toKey(job.runId)])).exec();
      chunk.forEach((job, n) => {
        const [error, exists] = answers?.[n] ?? [new Error('no answer'), null];
        if (error) throw error;
        if (exists === 0) missing.push(job);
      });
    }
    return missing;
  }

  async holds(job: RunJob): Promise<boolean> {
    if (await this.queue.getJob(job.runId)) return true;
    // A worker renews its slot lease every half lock: a live executor shows here even when its job was
    // lost with Redis data.
    const lease = await this.commands.zscore(this.slotKey(job.ownerId), job.runId);
    return lease !== null && Number(lease) > Date.now();
  }

  /**
   * Creates this process's BullMQ worker, as BullMQ documents it: a Worker on the queue with the
   * processor function. Started once this process has re-enqueued what the database holds.
   */
  async startProcessing(processor: RunProcessor): Promise<void> {
    if (this.config.role === 'api') throw new Error('This process has no run worker (ONWARD_ROLE=api)');
    const settings = this.settings;
    const worker = new Worker<RunJob>(RUNS_QUEUE, (job, token) => this.process(job, token, processor), {
      prefix: settings.prefix,
      autorun: false,
      // Blocking connections wait out a Redis outage instead of failing (BullMQ's production guide).
      connection: redisOptions(settings.url, { maxRetriesPerRequest: null }),
      concurrency: this.config.concurrency,
      // A worker that stops renewing its lock this long is taken for dead, and its job handed on.
      lockDuration: settings.lockDurationMs,
      stalledInterval: Math.max(1000, settings.lockDurationMs / 2),
      // Redelivered stalled jobs are recognised by the engine (their run is still "running").
      maxStalledCount: 10,
    });
    // Connection errors while Redis restarts: BullMQ reconnects by itself.
    worker.on('error', (error) => this.logger.warn(`Worker: ${error.message}`));
    this.worker = worker;
    void worker.run().catch((error: Error) => this.logger.error(`The run worker stopped: ${error.message}`));
    await worker.waitUntilReady();
  }

  private async process(job: Job<RunJob>, token: string | undefined, processor: RunProcessor): Promise<void> {
    const slot = this.slotKey(job.data.ownerId);
    if (!(await this.acquireSlot(slot, job.data.runId))) {
      // The user is at their cap on some worker: look again shortly, without holding a slot here.
      await job.moveToDelayed(Date.now() + 300 + Math.floor(Math.random() * 200), token);
      throw new DelayedError();
    }
    // A failed renewal (Redis away) is harmless: the lease outlives a short outage, and the run goes on.
    const renew = setInterval(
      () => void this.renewSlot(slot, job.data.runId).catch(() => undefined),
      this.settings.lockDurationMs / 2,
    );
    try {
      const status = await processor(job.data, this.stopping.signal);
      if (status === 'queued') {
        // This worker is stopping: hand the run to another one.
        await job.moveToWait(token);
        throw new WaitingError();
      }
    } finally {
      clearInterval(renew);
      // Not awaited: the release is sent before BullMQ's moveToFinished and fetches no answer the next
      // job needs. Should it fail (Redis away), the lease lapses by itself.
      this.commands.zrem(slot, job.data.runId).catch(() => undefined);
    }
  }

  private async acquireSlot(key: string, runId: string): Promise<boolean> {
    const now = Date.now();
    const lease = this.settings.lockDurationMs * 3;
    const granted = await this.commands.acquireSlot(
      key,
      runId,
      String(this.config.userConcurrency),
      String(now),
      String(now + lease),
      String(lease * 2),
    );
    return granted === 1;
  }

  private async renewSlot(key: string, runId: string): Promise<void> {
    const lease = this.settings.lockDurationMs * 3;
    await this.commands.renewSlot(key, runId, String(Date.now() + lease), String(lease * 2));
  }

  async stop(graceMs: number): Promise<void> {
    const worker = this.worker;
    if (worker) {
      // Takes no new job and resolves when the active ones have returned.
      // A worker stopped while it still starts up refuses to close: nothing runs on it yet.
      const closing = worker.close().then(
        () => true,
        (error: Error) => {
          this.logger.warn(`The run worker did not close cleanly: ${error.message}`);
          return true;
        },
      );
      if (!(await Promise.race([closing, delay(graceMs).then(() => false)]))) {
        this.logger.log('Handing unfinished runs back to the queue');
        this.stopping.abort(new Error('The server is shutting down'));
        await Promise.race([closing, delay(HAND_BACK_MS)]);
      }
    }
    this.subscriber.disconnect();
    this.commands.disconnect();
  }

  async health(): Promise<'ok' | 'down'> {
    try {
      return (await this.commands.ping()) === 'PONG' ? 'ok' : 'down';
    } catch {
      return 'down';
    }
  }
}
