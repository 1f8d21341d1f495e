import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';

import { BuiltinTasksModule } from './builtin/builtin-tasks.module';
import { ProcedureRunner } from './procedures/procedure-runner';
import { TaskRegistry } from './task-registry.service';
import { TasksController } from './tasks.controller';

/** The catalogue and the built-in tasks; add your own task modules to `imports`. */
@Global()
@Module({
  imports: [DiscoveryModule, BuiltinTasksModule],
  controllers: [TasksController],
  providers: [TaskRegistry, ProcedureRunner],
  exports: [TaskRegistry, ProcedureRunner],
})
export class TasksModule {}
