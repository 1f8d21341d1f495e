import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';

import { PersistenceModule } from '../persistence/persistence.module';
import { ResultsModule } from '../results/results.module';
import { BuiltinTasksModule } from './builtin/builtin-tasks.module';
import { TaskRegistry } from './task-registry.service';
import { TasksController } from './tasks.controller';

/** The catalogue and the built-in tasks; add your own task modules to `imports`. */
@Global()
@Module({
  imports: [DiscoveryModule, PersistenceModule, ResultsModule, BuiltinTasksModule],
  controllers: [TasksController],
  providers: [TaskRegistry],
  exports: [TaskRegistry],
})
export class TasksModule {}
