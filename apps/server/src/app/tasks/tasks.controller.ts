import { Controller, Get, Headers } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { negotiateLocale, type TaskDefinition } from '@onward/task-domain';

import { TaskRegistry } from './task-registry.service';

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('api/tasks')
export class TasksController {
  constructor(private readonly registry: TaskRegistry) {}

  @Get()
  @ApiOperation({ summary: "The task catalogue, its texts in the request's language (Accept-Language)" })
  list(@Headers('accept-language') acceptLanguage: string | undefined): TaskDefinition[] {
    return this.registry.definitions(negotiateLocale(acceptLanguage));
  }
}
