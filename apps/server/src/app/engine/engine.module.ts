import { Module } from '@nestjs/common';

import { PersistenceModule } from '../persistence/persistence.module';
import { ResultsModule } from '../results/results.module';
import { ActiveRuns } from './active-runs';
import { CombinedResult } from './combined-result';
import { QueueWatcher } from './queue-watcher';
import { Reconciler } from './reconciler';
import { Recovery } from './recovery';
import { RetentionSweeper } from './retention-sweeper';
import { RunEvents } from './run-events';
import { RunExecutor } from './run-executor';
import { RunRecorder } from './run-recorder';
import { RunWorker } from './run-worker';
import { Scheduler } from './scheduler';
import { TaskRunner } from './task-runner';
import { TraceFlush } from './trace-flush';

/**
 * Executing runs: the lifecycle, the executor and its task runner, the scheduler, recovery after a
 * dead worker, the reconciler and the retention sweep. Every change of a run goes through
 * `RunRecorder`, which announces it on `RunEvents`.
 */
@Module({
  imports: [PersistenceModule, ResultsModule],
  providers: [
    RunEvents,
    RunRecorder,
    ActiveRuns,
    TaskRunner,
    CombinedResult,
    Scheduler,
    Recovery,
    RunExecutor,
    Reconciler,
    RunWorker,
    RetentionSweeper,
    QueueWatcher,
    TraceFlush,
  ],
  exports: [RunEvents, RunRecorder, ActiveRuns, QueueWatcher, PersistenceModule],
})
export class EngineModule {}
