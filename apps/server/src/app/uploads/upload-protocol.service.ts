// The declaration of `srvx/node`, also for the test project, which does not include src/types.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../../types/srvx-node.d.ts" />
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { ReadableStream as WebReadableStream } from 'node:stream/web';
import { NodeRequest, sendNodeResponse } from 'srvx/node';

import type { AuthUser } from '../auth/auth-user';
import { ConflictError, GoneError, NotFoundError } from '../common/domain-errors';
import { errorBody } from '../common/http-exception.filter';
import { runLine } from '../engine/run-log';
import type { RunEntity } from '../persistence/run.entity';
import { RunsRepository } from '../persistence/runs.repository';
import { tusIdOf, UPLOAD_KIND } from './upload-files';
import { UploadsService } from './uploads.service';

/** Clearer words than tus's for the answers a client must act on. */
const MESSAGES: Partial<Record<number, string>> = {
  [HttpStatus.CONFLICT]:
    'Upload-Offset does not match the bytes received; resume from the Upload-Offset that HEAD answers',
  [HttpStatus.PAYLOAD_TOO_LARGE]:
    'The upload is larger than allowed (ONWARD_MAX_UPLOAD_BYTES) or than its Upload-Length',
  [HttpStatus.PRECONDITION_FAILED]: 'Tus-Resumable: 1.0.0 is required',
};

/**
 * The HTTP side of `/api/uploads`: the caller's own upload or 404, the answers that depend on its run
 * (a finished upload), then the request to @tus/server as its `handle` does (srvx's Node request and
 * response), with the run's part of each answer added before it is sent: a DELETE ends the run, a
 * PATCH writes its last progress; tus's plain-text errors become the contract's JSON.
 */
@Injectable()
export class UploadProtocol {
  private readonly logger = new Logger('Uploads');

  constructor(
    private readonly uploads: UploadsService,
    private readonly runs: RunsRepository,
  ) {}

  /** POST: a new upload, which is a new run. */
  create(user: AuthUser, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    return this.toTus(request, reply, user, null);
  }

  /** OPTIONS: what the server supports (no upload, no caller). */
  options(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    return this.toTus(request, reply, null, null);
  }

  /** HEAD, PATCH or DELETE of one upload. */
  async existing(user: AuthUser, id: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const run = await this.runs.findById(id);
    if (!run || run.kind !== UPLOAD_KIND || run.ownerId !== user.id) throw new NotFoundError(`Upload ${id} not found`);
    if (run.status === 'completed' && run.result?.type === 'file') {
      if (request.method === 'HEAD') return this.complete(reply, run.result.size);
      throw new ConflictError(
        `Upload ${id} is complete; its file is the run's result (DELETE /api/runs/${id} removes it)`,
      );
    }
    if (run.status !== 'running') throw new GoneError(`Upload ${id} has ended (${run.status}); start a new upload`);
    if (request.method !== 'PATCH') return this.toTus(request, reply, user, run);
    return this.uploads.streamingWhile(run.id, request.raw, () => this.toTus(request, reply, user, run));
  }

  /** HEAD of a completed upload: every byte is in (its record has gone with the partial file). */
  private complete(reply: FastifyReply, size: number): void {
    void reply
      .code(HttpStatus.OK)
      .headers({
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': String(size),
        'Upload-Length': String(size),
        'Cache-Control': 'no-store',
      })
      .send();
  }

  private async toTus(
    request: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser | null,
    run: RunEntity | null,
  ): Promise<void> {
    // From here on the answer is written to Node's response, as @tus/server does; the headers Fastify's
    // hooks set so far (security headers, CORS) go with it.
    void reply.hijack();
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) reply.raw.setHeader(name, value);
    }
    try {
      const nodeRequest = new NodeRequest({ req: request.raw, res: reply.raw });
      const webRequest = request.method === 'PATCH' ? uncopiedBody(nodeRequest, request.raw) : nodeRequest;
      if (user) this.uploads.attribute(webRequest, user);
      const response = await this.uploads.tus.handleWeb(webRequest);
      if (run) await this.afterwards(run, user as AuthUser, request.method, response);
      await sendNodeResponse(reply.raw, await contractShaped(response));
    } catch (error) {
      const text = `${request.method} ${request.url} failed: ${(error as Error).stack ?? String(error)}`;
      // The upload's run, once it exists (not for the POST that creates it).
      this.logger.error(run ? runLine(run, text) : text);
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(HttpStatus.INTERNAL_SERVER_ERROR, { 'Content-Type': 'application/json; charset=utf-8' });
        reply.raw.end(JSON.stringify(errorBody(HttpStatus.INTERNAL_SERVER_ERROR, 'The upload request failed')));
      } else reply.raw.destroy();
    }
  }

  /** The run's part of an answer to an upload's request, done before the client hears it. */
  private async afterwards(run: RunEntity, user: AuthUser, method: string, response: Response): Promise<void> {
    if (method === 'DELETE' && response.status === HttpStatus.NO_CONTENT) {
      await this.uploads.terminated(run, user);
    } else if (method === 'PATCH' && response.status === HttpStatus.NO_CONTENT) {
      const offset = Number(response.headers.get('Upload-Offset'));
      const length = (await this.uploads.tus.datastore.getUpload(tusIdOf(run.id)).catch(() => null))?.size;
      await this.uploads.patched(run, offset, length);
    }
  }
}

/**
 * The PATCH as a standard Request whose body streams the Node request's own chunks. srvx's request
 * converts the body with `Readable.toWeb`, which copies every socket chunk into a new ArrayBuffer; on
 * a large upload the garbage of those copies (external memory) keeps V8 running a full collection
 * about every 10 MB. Reading the request through its async iterator keeps backpressure (a chunk is
 * read when tus asks for it) without the copies.
 */
function uncopiedBody(nodeRequest: NodeRequest, raw: IncomingMessage): Request {
  const body = WebReadableStream.from(raw) as unknown as ReadableStream<Uint8Array>;
  return new Request(nodeRequest.url, {
    method: 'PATCH',
    headers: nodeRequest.headers,
    body,
    duplex: 'half',
  } as RequestInit);
}

/**
 * tus answers errors in plain text; the contract's are JSON. An unsupported extension (tus's 501, such
 * as Upload-Concat) is the client's request for something this server does not offer: 400.
 */
async function contractShaped(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  const status = response.status === HttpStatus.NOT_IMPLEMENTED ? HttpStatus.BAD_REQUEST : response.status;
  const text = (await response.text()).trim();
  const headers = new Headers(response.headers);
  headers.delete('Content-Length');
  headers.set('Content-Type', 'application/json; charset=utf-8');
  const message = MESSAGES[status] ?? (text || 'The upload request was refused');
  return new Response(JSON.stringify(errorBody(status, message)), { status, headers });
}
