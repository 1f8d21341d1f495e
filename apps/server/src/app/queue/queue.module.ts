import { Global, Module } from '@nestjs/common';

import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { BullMqQueue } from './bullmq.queue';
import { InProcessQueue } from './in-process.queue';
import { RunQueue } from './run-queue.port';

/** Provides the RunQueue port with the driver the configuration asks for. */
@Global()
@Module({
  providers: [
    {
      provide: RunQueue,
      inject: [ONWARD_CONFIG],
      useFactory: (config: OnwardConfig): RunQueue => {
        if (config.redis) {
          return new BullMqQueue({
            url: config.redis.url,
            prefix: config.redis.prefix,
            concurrency: config.concurrency,
            userConcurrency: config.userConcurrency,
            lockDurationMs: config.redis.lockDurationMs,
          });
        }
        return new InProcessQueue({ concurrency: config.concurrency, userConcurrency: config.userConcurrency });
      },
    },
  ],
  exports: [RunQueue],
})
export class QueueModule {}
