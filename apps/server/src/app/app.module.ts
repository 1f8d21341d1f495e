import { DynamicModule, Module } from '@nestjs/common';

import { AuthModule } from './auth/auth.module';
import { ConfigModule } from './config/config.module';
import type { OnwardConfig } from './config/onward-config';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { RealtimeModule } from './realtime/realtime.module';
import { HealthController } from './health/health.controller';
import { InternalsModule } from './internals/internals.module';
import { onwardLoggerModule } from './observability/logging';
import { ObservabilityModule } from './observability/observability.module';
import { QueueModule } from './queue/queue.module';
import { RunsModule } from './runs/runs.module';
import { StatsModule } from './stats/stats.module';
import { BenchTasksModule } from './tasks/bench/bench-tasks.module';
import { TasksModule } from './tasks/tasks.module';
import { UploadsModule } from './uploads/uploads.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  /** The whole server for one validated configuration. */
  static forRoot(config: OnwardConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        onwardLoggerModule(),
        DatabaseModule,
        InternalsModule,
        DemoModule,
        AuthModule,
        QueueModule.forRoot(config),
        TasksModule,
        RunsModule,
        UploadsModule,
        RealtimeModule.forRoot(config),
        UsersModule,
        StatsModule,
        ObservabilityModule,
        // Benchmark-only tasks (bench/), never in a user's catalogue unless asked for.
        ...(config.benchTasks ? [BenchTasksModule] : []),
      ],
      controllers: [HealthController],
    };
  }
}
