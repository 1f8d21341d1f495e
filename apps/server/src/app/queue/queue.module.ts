import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';

import type { OnwardConfig } from '../config/onward-config';
import { BullMqQueue, RUNS_QUEUE } from './drivers/bullmq/bullmq.queue';
import { InProcessQueue } from './drivers/in-process/in-process.queue';
import { redisOptions } from './redis-connection';
import { RunQueue } from './run-queue.port';

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
      providers: [BullMqQueue, { provide: RunQueue, useExisting: BullMqQueue }],
      exports: [RunQueue],
    };
  }
}
