import { Injectable, type OnApplicationShutdown } from '@nestjs/common';

import { flushTraces } from '../common/tracing';

/**
 * Sends the last batched spans (the final writes of runs handed back, say) when the app closes: on
 * SIGTERM Nest ends the process without a `beforeExit`, so the SDK's own flush would not run.
 */
@Injectable()
export class TraceFlush implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return flushTraces();
  }
}
