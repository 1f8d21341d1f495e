import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RunPage } from '@onward/task-domain';

import type { AuthUser } from '../auth/auth-user';
import { AdminOnly, CurrentUser } from '../auth/auth.decorators';
import { AdminListRunsQuery } from './dto/list-runs.query';
import { RunsService } from './runs.service';

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('api/admin/runs')
export class AdminRunsController {
  constructor(private readonly runs: RunsService) {}

  @Get()
  @ApiOperation({ summary: "Every user's top-level runs, newest first" })
  list(@CurrentUser() user: AuthUser, @Query() query: AdminListRunsQuery): Promise<RunPage> {
    return this.runs.list(user, query, true);
  }
}
