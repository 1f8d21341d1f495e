import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { negotiateLocale, type RunPage, type RunView } from '@onward/task-domain';
import type { FastifyReply } from 'fastify';

import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/auth.decorators';
import { NotFoundError, ValidationError } from '../common/domain-errors';
import { INLINE_RESULT_CSP, previewableInline } from '../common/http-security';
import { CreateRunDto } from './dto/create-run.dto';
import { RerunDto } from './dto/rerun.dto';
import { ListChildrenQuery, ListRunsQuery, WaitQuery } from './dto/list-runs.query';
import { UpdateRunDto } from './dto/update-run.dto';
import { RunRerunner } from './run-rerunner.service';
import { RunResults } from './run-results.service';
import { RunStarter } from './run-starter.service';
import { RunsService } from './runs.service';

// A malformed id cannot name a run: answer 404 like any unknown id.
const RunId = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError('Run not found') });

@ApiTags('runs')
@ApiBearerAuth()
@Controller('api/runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly starter: RunStarter,
    private readonly results: RunResults,
    private readonly rerunner: RunRerunner,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a run (parameters) or a scheduler run (rows); answers at once' })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() body: CreateRunDto,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<RunView> {
    const run = await this.starter.create(user, body, { locale: negotiateLocale(acceptLanguage) });
    response.header('Location', `/api/runs/${run.id}`);
    return run;
  }

  @Post(':id/rerun')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Run a finished run again: changed parameters merged over its own, or only its failed rows',
  })
  async rerun(
    @CurrentUser() user: AuthUser,
    @Param('id', RunId) id: string,
    @Body() body: RerunDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<RunView> {
    const run = await this.rerunner.rerun(user, id, body);
    response.header('Location', `/api/runs/${run.id}`);
    return run;
  }

  @Get()
  @ApiOperation({ summary: "The caller's top-level runs, newest first" })
  list(@CurrentUser() user: AuthUser, @Query() query: ListRunsQuery): Promise<RunPage> {
    return this.runs.list(user, query, false);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One run; a scheduler with its subtasks in `children`' })
  get(@CurrentUser() user: AuthUser, @Param('id', RunId) id: string): Promise<RunView> {
    return this.runs.get(user, id);
  }

  @Get(':id/children')
  @ApiOperation({ summary: "A page of a scheduler's subtasks, in the order of its rows" })
  children(
    @CurrentUser() user: AuthUser,
    @Param('id', RunId) id: string,
    @Query() query: ListChildrenQuery,
  ): Promise<RunPage> {
    return this.runs.children(user, id, query);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a queued or running run' })
  cancel(@CurrentUser() user: AuthUser, @Param('id', RunId) id: string): Promise<RunView> {
    return this.runs.cancel(user, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Move a foreground run to the background' })
  update(@CurrentUser() user: AuthUser, @Param('id', RunId) id: string, @Body() _body: UpdateRunDto): Promise<RunView> {
    return this.runs.moveToBackground(user, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a run (cancelling it first) with its files and subtasks' })
  delete(@CurrentUser() user: AuthUser, @Param('id', RunId) id: string): Promise<void> {
    return this.runs.delete(user, id);
  }

  @Get(':id/result')
  @ApiOperation({ summary: 'The result: the file (a PDF or image inline on request), or the JSON value' })
  @ApiQuery({ name: 'disposition', required: false, enum: ['inline', 'attachment'] })
  async result(
    @CurrentUser() user: AuthUser,
    @Param('id', RunId) id: string,
    @Query('disposition') disposition: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<StreamableFile | unknown> {
    if (disposition !== undefined && disposition !== 'inline' && disposition !== 'attachment') {
      throw new ValidationError('disposition must be inline or attachment', [
        { field: 'disposition', message: 'must be inline or attachment' },
      ]);
    }
    const result = await this.results.result(user, id);
    if (result.type === 'value') {
      response.type('application/json; charset=utf-8');
      return JSON.stringify(result.value);
    }
    // Any other type stays a download, whatever was asked: a browser must not run an HTML or SVG result.
    const inline = disposition === 'inline' && previewableInline(result.contentType);
    if (inline) response.header('content-security-policy', INLINE_RESULT_CSP);
    return new StreamableFile(result.stream, {
      type: result.contentType,
      length: result.size,
      disposition: `${inline ? 'inline' : 'attachment'}; filename="${result.fileName.replace(/["\\]/g, '_')}"`,
    });
  }

  @Get(':id/wait')
  @ApiOperation({ summary: 'Answer when the run has finished, or after `timeout` seconds (≤ 60)' })
  wait(
    @CurrentUser() user: AuthUser,
    @Param('id', RunId) id: string,
    @Query() query: WaitQuery,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<RunView> {
    // The connection closed before the answer went out: the client is gone, and so is its wait.
    const gone = new AbortController();
    response.raw.once('close', () => {
      if (!response.raw.writableFinished) gone.abort();
    });
    return this.results.wait(user, id, query.timeout, gone.signal);
  }
}
