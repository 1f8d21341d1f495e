import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AdminStats, WorkerInfo } from '@onward/task-domain';

import { AdminOnly } from '../auth/auth.decorators';
import { RunStatsService } from './run-stats.service';
import { StatsWindowQuery } from './stats-window.query';
import { WorkerPresence } from './worker-presence';

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('api/admin')
export class AdminStatsController {
  constructor(
    private readonly stats: RunStatsService,
    private readonly workers: WorkerPresence,
  ) {}

  @Get('stats')
  @ApiOperation({ summary: 'Runs per bucket, per task durations and failures, queued and running now' })
  read(@Query() query: StatsWindowQuery): Promise<AdminStats> {
    return this.stats.read(query.window ?? '1h');
  }

  @Get('workers')
  @ApiOperation({ summary: 'The server processes alive now and the runs each executes' })
  list(): Promise<WorkerInfo[]> {
    return this.workers.list();
  }
}
