import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ActiveRuns } from '../engine/active-runs';
import { CombinedResult } from '../engine/combined-result';
import { Reconciler } from '../engine/reconciler';
import { Recovery } from '../engine/recovery';
import { RunExecutor } from '../engine/run-executor';
import { RunRecorder } from '../engine/run-recorder';
import { RunWorker } from '../engine/run-worker';
import { Scheduler } from '../engine/scheduler';
import { TaskRunner } from '../engine/task-runner';
import { ResultsModule } from '../results/results.module';
import { AdminRunsController } from './admin-runs.controller';
import { RunEvents } from './run-events';
import { RetentionSweeper } from './retention-sweeper.service';
import { RunDeletionEntity } from './run-deletion.entity';
import { RunEntity } from './run.entity';
import { RunsController } from './runs.controller';
import { RunsRepository } from './runs.repository';
import { RunsService } from './runs.service';

@Module({
  imports: [TypeOrmModule.forFeature([RunEntity, RunDeletionEntity]), ResultsModule],
  controllers: [RunsController, AdminRunsController],
  providers: [
    RunsRepository,
    RunEvents,
    RunsService,
    RetentionSweeper,
    // The engine
    RunRecorder,
    ActiveRuns,
    TaskRunner,
    CombinedResult,
    Scheduler,
    Recovery,
    RunExecutor,
    Reconciler,
    RunWorker,
  ],
  exports: [RunEvents, RunsRepository],
})
export class RunsModule {}
