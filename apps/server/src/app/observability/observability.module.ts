import { Global, Module } from '@nestjs/common';

import { MetricsController } from './metrics.controller';
import { RunMetrics } from './run-metrics';

/** Prometheus metrics: `RunMetrics` (for the engine and the gateway) and `GET /metrics`. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [RunMetrics],
  exports: [RunMetrics],
})
export class ObservabilityModule {}
