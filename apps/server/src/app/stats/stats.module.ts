import { Module } from '@nestjs/common';

import { EngineModule } from '../engine/engine.module';
import { AdminStatsController } from './admin-stats.controller';
import { RunStatsRecorder } from './run-stats.recorder';
import { RunStatsRepository } from './run-stats.repository';
import { RunStatsService } from './run-stats.service';
import { WorkerPresence } from './worker-presence';

/** The admin dashboard's server side: the run statistics rollup, its API, and the processes alive. */
@Module({
  imports: [EngineModule],
  controllers: [AdminStatsController],
  providers: [RunStatsRepository, RunStatsRecorder, RunStatsService, WorkerPresence],
  exports: [RunStatsRecorder],
})
export class StatsModule {}
