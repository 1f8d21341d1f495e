import { BullModule, Processor } from '@nestjs/bullmq';
import { DynamicModule, Global, Module, Provider } from '@nestjs/common';

import type { OnwardConfig, RedisConfig } from '../config/onward-config';
import { BullMqRunProcessor, RUNS_QUEUE } from './bullmq-run.processor';
import { BullMqQueue } from './bullmq.queue';
import { InProcessQueue } from './in-process.queue';
import { redisOptions } from './redis-connection';
import { RunQueue } from './run-queue.port';

/** The worker host with this configuration's worker options (Nest reads them from `@Processor`). */
function configuredProcessor(config: OnwardConfig, redis: RedisConfig): Provider {
  class ConfiguredRunProcessor extends BullMqRunProcessor {}
  Processor(RUNS_QUEUE, {
    // Started by the driver once this process has re-enqueued what the database holds.
    autorun: false,
    // Blocking connections wait out a Redis outage instead of failing (BullMQ's production guide).
    connection: redisOptions(redis.url, { maxRetriesPerRequest: null }),
    concurrency: config.concurrency,
    // A worker that stops renewing its lock this long is taken for dead, and its job handed on.
    lockDuration: redis.lockDurationMs,
    stalledInterval: Math.max(1000, redis.lockDurationMs / 2),
    // Redelivered stalled jobs are recognised by the engine (their run is still "running").
    maxStalledCount: 10,
  })(ConfiguredRunProcessor);
  return { provide: BullMqRunProcessor, useClass: ConfiguredRunProcessor };
}

/** Provides the RunQueue port with the driver the configuration asks for. */
@Global()
@Module({})
export class QueueModule {
  static forRoot(config: OnwardConfig): DynamicModule {
    const redis = config.redis;
    if (!redis) {
      const queue = new InProcessQueue({ concurrency: config.concurrency, userConcurrency: config.userConcurrency });
      return {
        module: QueueModule,
        providers: [{ provide: RunQueue, useValue: queue }],
        exports: [RunQueue],
      };
    }
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({
          prefix: redis.prefix,
          // Producers fail fast while Redis is away: the run is in the database and the worker's
          // reconciler enqueues it when Redis is back.
          connection: redisOptions(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }),
        }),
        BullModule.registerQueue({ name: RUNS_QUEUE }),
      ],
      providers: [
        ...(config.role === 'api' ? [] : [configuredProcessor(config, redis)]),
        BullMqQueue,
        { provide: RunQueue, useExisting: BullMqQueue },
      ],
      exports: [RunQueue],
    };
  }
}
