import { Global, Module } from '@nestjs/common';

import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
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
        if (config.redisUrl) {
          // The BullMQ driver is the scale-out issue's work; refuse rather than silently run embedded.
          throw new Error('REDIS_URL is set, but this build has no BullMQ driver yet: unset REDIS_URL');
        }
        return new InProcessQueue({ concurrency: config.concurrency, userConcurrency: config.userConcurrency });
      },
    },
  ],
  exports: [RunQueue],
})
export class QueueModule {}
