import { Logger } from '@nestjs/common';
import { DelayedError, Queue, WaitingError, Worker } from 'bullmq';
import IORedis, { type RedisOptions } from 'ioredis';

import type { ConcurrencyLimits } from './in-process.queue';
import { AbortListener, RunJob, RunProcessor, RunQueue } from './run-queue.port';

export interface BullMqSettings extends ConcurrencyLimits {
  url: string;
  /** Key prefix of every Redis key (queue, slots, channel): several installs or test runs share a Redis. */
  prefix: string;
  /** A worker that stops renewing its lock this long is taken for dead and its job handed on. */
  lockDurationMs: number;
}

const QUEUE_NAME = 'onward-runs';

// Per-user slots: a sorted set of run ids scored by lease expiry, so a dead worker's slot lapses.
const ACQUIRE_SLOT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0`;

/**
 * The Redis driver: BullMQ executes runs across processes. BullMQ holds the order, durability, the
 * per-process concurrency and stalled-job recovery; a Lua-guarded slot set caps one user's runs across
 * all processes; aborts travel over Redis pub/sub to whichever worker holds the run.
 */
export class BullMqQueue extends RunQueue {
  readonly name = 'bullmq';
  private readonly logger = new Logger(BullMqQueue.name);
  private readonly producer: IORedis;
  private readonly subscriber: IORedis;
  private readonly queue: Queue<RunJob>;
  private readonly abortListeners: AbortListener[] = [];
  private readonly stopping = new AbortController();
  private readonly abortChannel: string;
  private worker: Worker<RunJob> | null = null;
  private workerConnection: IORedis | null = null;

  constructor(private readonly settings: BullMqSettings) {
    super();
    // BullMQ's production guide: producers fail fast when Redis is away (the database keeps the run,
    // and it is enqueued when Redis is back); blocking connections retry forever.
    this.producer = new IORedis(
      settings.url,
      this.redisOptions({ enableOfflineQueue: false, maxRetriesPerRequest: 1 }),
    );
    this.subscriber = new IORedis(settings.url, this.redisOptions({ maxRetriesPerRequest: null }));
    this.queue = new Queue<RunJob>(QUEUE_NAME, { connection: this.producer, prefix: settings.prefix });
    for (const client of [this.producer, this.subscriber]) {
      client.on('error', (error: Error) => this.logger.debug(`Redis: ${error.message}`));
    }
    this.queue.on('error', (error) => this.logger.warn(`Queue: ${error.message}`));
    this.abortChannel = `${settings.prefix}:${QUEUE_NAME}:abort`;
    this.subscriber.on('message', (channel: string, runId: string) => {
      if (channel === this.abortChannel) for (const listener of this.abortListeners) listener(runId);
    });
    void this.subscriber.subscribe(this.abortChannel).catch((error: Error) => this.logger.warn(error.message));
  }

  private redisOptions(extra: RedisOptions): RedisOptions {
    return {
      retryStrategy: (times) => Math.min(200 * times, 2000),
      reconnectOnError: () => true,
      ...extra,
    };
  }

  private slotKey(ownerId: string): string {
    return `${this.settings.prefix}:${QUEUE_NAME}:slots:${ownerId}`;
  }

  async enqueue(job: RunJob): Promise<void> {
    // jobId = runId: enqueueing twice (a retry, the reconciler) is a no-op while the job exists.
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
    await this.producer.publish(this.abortChannel, runId);
  }

  onAbort(listener: AbortListener): void {
    this.abortListeners.push(listener);
  }

  async startProcessing(processor: RunProcessor): Promise<void> {
    const { lockDurationMs } = this.settings;
    const connection = new IORedis(this.settings.url, this.redisOptions({ maxRetriesPerRequest: null }));
    this.workerConnection = connection;
    this.worker = new Worker<RunJob>(
      QUEUE_NAME,
      async (job, token) => {
        const slot = this.slotKey(job.data.ownerId);
        if (!(await this.acquireSlot(slot, job.data.runId))) {
          // The user is at their cap on some worker: look again shortly, without holding a slot here.
          await job.moveToDelayed(Date.now() + 300 + Math.floor(Math.random() * 200), token);
          throw new DelayedError();
        }
        // A failed renewal (Redis away) is harmless: the lease outlives a short outage, and the run goes on.
        const renew = setInterval(
          () => void this.acquireSlot(slot, job.data.runId).catch(() => undefined),
          lockDurationMs / 2,
        );
        try {
          const outcome = await processor(job.data, this.stopping.signal);
          if (outcome === 'requeue') {
            // This worker is stopping: hand the run to another one.
            await job.moveToWait(token);
            throw new WaitingError();
          }
        } finally {
          clearInterval(renew);
          await this.producer.zrem(slot, job.data.runId).catch(() => undefined);
        }
      },
      {
        connection,
        prefix: this.settings.prefix,
        concurrency: this.settings.concurrency,
        lockDuration: lockDurationMs,
        stalledInterval: Math.max(1000, lockDurationMs / 2),
        // Redelivered stalled jobs are recognised by the engine (their run is still "running").
        maxStalledCount: 10,
      },
    );
    this.worker.on('error', (error) => this.logger.warn(`Worker: ${error.message}`));
    await this.worker.waitUntilReady();
  }

  private async acquireSlot(key: string, runId: string): Promise<boolean> {
    const now = Date.now();
    const lease = this.settings.lockDurationMs * 3;
    const granted = await this.producer.eval(
      ACQUIRE_SLOT,
      1,
      key,
      runId,
      String(this.settings.userConcurrency),
      String(now),
      String(now + lease),
      String(lease * 2),
    );
    return granted === 1;
  }

  async stop(timeoutMs: number): Promise<void> {
    this.stopping.abort(new Error('The server is shutting down'));
    const closing = this.worker ? this.worker.close() : Promise.resolve();
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    await this.queue.close().catch(() => undefined);
    this.workerConnection?.disconnect();
    this.subscriber.disconnect();
    this.producer.disconnect();
  }

  async health(): Promise<'ok' | 'down'> {
    try {
      return (await this.producer.ping()) === 'PONG' ? 'ok' : 'down';
    } catch {
      return 'down';
    }
  }
}
