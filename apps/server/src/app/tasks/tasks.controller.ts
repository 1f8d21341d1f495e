import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TaskDefinition } from '@onward/task-domain';

import { TaskRegistry } from './task-registry.service';

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('api/tasks')
export class TasksController {
  constructor(private readonly registry: TaskRegistry) {}

  @Get()
  @ApiOperation({ summary: 'The task catalogue' })
  list(): TaskDefinition[] {
    return this.registry.definitions();
  }
}
