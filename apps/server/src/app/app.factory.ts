import { BadRequestException, HttpStatus, UnsupportedMediaTypeException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
// Types only: reply.sendFile, which @fastify/static (registered by useStaticAssets) adds.
import type {} from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

import { AppModule } from './app.module';
import { errorBody, HttpExceptionFilter } from './common/http-exception.filter';
import { monitorCacheControl, useHttpSecurity } from './common/http-security';
import { createValidationPipe } from './common/validation.pipe';
import { answerWithRequestId, requestId } from './observability/logging';
import { IoTransport } from './realtime/io-transport';
import { UPLOADS_PATH } from './uploads/upload-files';
import type { Environment } from './config/env-values';
import { loadConfig, OnwardConfig } from './config/onward-config';

const NOT_JSON = 'The request body is not valid JSON';

/** The contract's body limit: 1 MiB. */
const BODY_LIMIT = 1024 * 1024;

/**
 * JSON bodies as the contract wants them: UTF-8 only, objects or arrays at the top (no bare
 * scalars), an empty body as `{}`, no Content-Encoding. Other media types answer 415. Keys such as
 * `__proto__` are kept as plain own properties, so validation can name them (JSON.parse never
 * assigns a prototype).
 */
function useJsonBodies(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' }, // the server's bodyLimit (BODY_LIMIT) applies
    (request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: unknown) => void) => {
      const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
      if (charset && !/^utf-?8$/i.test(charset)) {
        return done(new UnsupportedMediaTypeException(`Unsupported charset "${charset}"; JSON bodies are UTF-8`));
      }
      const encoding = request.headers['content-encoding'];
      if (encoding && encoding.trim().toLowerCase() !== 'identity') {
        return done(
          new UnsupportedMediaTypeException(`Unsupported Content-Encoding "${encoding}"; send the body as is`),
        );
      }
      const text = body.toString('utf8');
      const first = /\S/.exec(text)?.[0];
      if (first === undefined) return done(null, {});
      if (first !== '{' && first !== '[') return done(new BadRequestException(NOT_JSON));
      try {
        done(null, JSON.parse(text));
      } catch {
        done(new BadRequestException(NOT_JSON));
      }
    },
  );
  // An upload's bytes (tus PATCH, or a creation with data): left unread for @tus/server, which streams
  // them to disk; on any other route this type is refused like every non-JSON one.
  fastify.addContentTypeParser(
    'application/offset+octet-stream',
    (request: FastifyRequest, _body: unknown, done: (error: Error | null, body?: undefined) => void) => {
      if (request.routeOptions.url?.startsWith(UPLOADS_PATH)) return done(null);
      done(
        new UnsupportedMediaTypeException(
          'Unsupported Content-Type "application/offset+octet-stream"; send application/json',
        ),
      );
    },
  );
  // Any other media type (and a body without one): 415, naming it.
  fastify.addContentTypeParser('*', (request: FastifyRequest, _body: unknown, done: (error: Error) => void) => {
    const type = request.headers['content-type'];
    done(
      new UnsupportedMediaTypeException(
        type
          ? `Unsupported Content-Type "${type}"; send application/json`
          : 'A body needs Content-Type: application/json',
      ),
    );
  });
}

// Node's HTTP parser errors by code; any other one is a malformed request (400).
const PARSER_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'The request headers and URL are larger than 16 KiB'],
  ERR_HTTP_REQUEST_TIMEOUT: [HttpStatus.REQUEST_TIMEOUT, 'The request took too long to arrive'],
};

/**
 * Requests that Node's HTTP parser refuses before Fastify sees them (headers or URL over 16 KiB,
 * malformed request lines) get the contract's JSON error instead of Node's bodiless answer.
 */
function answerParserErrorInJson(error: NodeJS.ErrnoException, socket: Socket): void {
  // As Node's default handler does: answer only if nothing was written on this connection yet.
  if (!socket.writable || socket.bytesWritten > 0) {
    socket.destroy();
    return;
  }
  const [status, message] = PARSER_ERRORS[error.code ?? ''] ?? [
    HttpStatus.BAD_REQUEST,
    'The request is not valid HTTP',
  ];
  const body = JSON.stringify(errorBody(status, message));
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
  socket.end(head + body, () => socket.destroy());
}

/**
 * A path Fastify cannot decode (a stray `%`) names no route: 404 in the contract's shape, as for
 * any unknown route (Fastify would answer its own 400 body).
 */
function answerUndecodablePathWith404(_error: Error, request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .code(HttpStatus.NOT_FOUND)
    .send(errorBody(HttpStatus.NOT_FOUND, `Cannot ${request.method} ${request.url}`));
}

const NOT_THE_MONITOR = /^\/(api|health|socket\.io)(\/|$)/;

/** The built monitor app at `/`, with deep links falling back to its index.html. */
function serveMonitor(app: NestFastifyApplication, config: OnwardConfig): void {
  const root = config.monitorDir;
  if (!root) return;
  // One route per file of the build (no wildcard): an unknown path falls through to the route below.
  app.useStaticAssets({
    root,
    wildcard: false,
    index: 'index.html',
    cacheControl: false,
    setHeaders: (response, path) => response.setHeader('Cache-Control', monitorCacheControl(path)),
  });
  app
    .getHttpAdapter()
    .getInstance()
    .get('/*', (request: FastifyRequest, reply: FastifyReply) => {
      const path = request.url.split('?', 1)[0];
      const accept = request.headers.accept;
      if (NOT_THE_MONITOR.test(path) || (accept && !/text\/html|text\/\*|\*\/\*/.test(accept))) {
        return reply.callNotFound();
      }
      return reply.header('Cache-Control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
    });
}

function serveOpenApi(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Onward')
      .setDescription('Background execution of long tasks and reports, with a live monitor')
      .setVersion('1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
}

/**
 * Creates the whole Onward server for `env` (which is all the configuration it reads), not yet
 * listening. Throws a ConfigError naming the variable for a bad value.
 */
export async function createOnwardApp(env: Environment): Promise<NestFastifyApplication> {
  const config = loadConfig(env);
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    clientErrorHandler: answerParserErrorInJson,
    frameworkErrors: answerUndecodablePathWith404,
    routerOptions: { ignoreTrailingSlash: true },
    genReqId: requestId,
    // The client address (login throttling) comes from X-Forwarded-For only behind trusted proxies.
    trustProxy: config.trustProxy,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bodyParser: false,
    abortOnError: false,
    // Held until pino takes over below, so that the boot's lines are JSON too when asked.
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  // Nest flushes the buffer on listen() only: a worker (init() alone) would otherwise never write a line.
  app.flushLogs();
  // The Socket.IO adapter of the transport the gateway module chose (Redis or none).
  app.useWebSocketAdapter(app.get(IoTransport).createAdapter(app));
  await useHttpSecurity(app, config);
  useJsonBodies(app.getHttpAdapter().getInstance());
  answerWithRequestId(app.getHttpAdapter().getInstance());
  app.useGlobalPipes(createValidationPipe(config.limits.maxRows));
  app.useGlobalFilters(new HttpExceptionFilter(app.getHttpAdapter()));
  serveOpenApi(app);
  serveMonitor(app, config);
  return app;
}
