import { Controller, Delete, Head, Options, Param, ParseUUIDPipe, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Public } from '../auth/auth.decorators';
import { NotFoundError } from '../common/domain-errors';
import { UploadProtocol } from './upload-protocol.service';

// A malformed id cannot name an upload: 404 like any unknown id.
const UploadId = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError('Upload not found') });

/** The tus 1.0 resumable-upload protocol (creation, HEAD, PATCH, termination, OPTIONS); each upload is a run. */
@ApiTags('uploads')
@ApiBearerAuth()
@Controller('api/uploads')
export class UploadsController {
  constructor(private readonly protocol: UploadProtocol) {}

  @Post()
  @ApiOperation({ summary: 'Create an upload (tus: Upload-Length, Upload-Metadata filename/filetype); it is a run' })
  create(@CurrentUser() user: AuthUser, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.protocol.create(user, request, reply);
  }

  @Head(':id')
  @ApiOperation({ summary: 'The bytes received so far (Upload-Offset): where to resume' })
  head(
    @CurrentUser() user: AuthUser,
    @Param('id', UploadId) id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.protocol.existing(user, id, request, reply);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Append bytes at Upload-Offset (Content-Type: application/offset+octet-stream)' })
  append(
    @CurrentUser() user: AuthUser,
    @Param('id', UploadId) id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.protocol.existing(user, id, request, reply);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Terminate an unfinished upload: its bytes go, its run ends cancelled' })
  terminate(
    @CurrentUser() user: AuthUser,
    @Param('id', UploadId) id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.protocol.existing(user, id, request, reply);
  }

  // Discovery names only the protocol's version, extensions and size limit: no token needed.
  @Public()
  @Options()
  @ApiOperation({ summary: 'tus discovery: Tus-Version, Tus-Extension, Tus-Max-Size' })
  options(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.protocol.options(request, reply);
  }

  @Public()
  @Options(':id')
  optionsOfOne(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.protocol.options(request, reply);
  }
}
