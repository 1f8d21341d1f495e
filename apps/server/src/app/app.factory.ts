import { HttpStatus } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import { type Server, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';

import { AppModule } from './app.module';
import { errorBody, HttpExceptionFilter } from './common/http-exception.filter';
import { createValidationPipe } from './common/validation.pipe';
import { RedisIoAdapter } from './gateway/redis-io.adapter';
import { Environment, loadConfig, OnwardConfig } from './config/onward-config';

/** Body parsing with the contract's limits and error shape (Nest's own parser answers in HTML). */
function useJsonBodies(app: NestExpressApplication): void {
  app.use(express.json({ limit: '1mb' }));
  app.use((error: Error & { type?: string; status?: number }, _req: Request, res: Response, next: NextFunction) => {
    if (error.type === 'entity.too.large') {
      res.status(HttpStatus.PAYLOAD_TOO_LARGE).json(errorBody(413, 'The request body is larger than 1 MiB'));
    } else if (error.type === 'entity.parse.failed') {
      res.status(HttpStatus.BAD_REQUEST).json(errorBody(400, 'The request body is not valid JSON'));
    } else if (error.status && error.status >= 400 && error.status < 500) {
      res.status(error.status).json(errorBody(error.status, error.message));
    } else {
      next(error);
    }
  });
}

// Node's HTTP parser errors by code; any other one is a malformed request (400).
const PARSER_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'The request headers and URL are larger than 16 KiB'],
  ERR_HTTP_REQUEST_TIMEOUT: [HttpStatus.REQUEST_TIMEOUT, 'The request took too long to arrive'],
};

/**
 * Requests that Node's HTTP parser refuses before Express sees them (headers or URL over 16 KiB,
 * malformed request lines) get the contract's JSON error instead of Node's bodiless answer.
 */
function answerParserErrorsInJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
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
  });
}

/** The built monitor app at `/`, with deep links falling back to its index.html. */
function serveMonitor(app: NestExpressApplication, config: OnwardConfig): void {
  const dir = config.monitorDir;
  if (!dir) return;
  app.useStaticAssets(dir, { index: 'index.html', maxAge: '1h' });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || /^\/(api|health|socket\.io)(\/|$)/.test(req.path) || !req.accepts('html'))
      return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(dir, 'index.html'));
  });
}

function serveOpenApi(app: NestExpressApplication): void {
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
export async function createOnwardApp(env: Environment): Promise<NestExpressApplication> {
  const config = loadConfig(env);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    abortOnError: false,
    logger: config.logLevels,
  });
  app.disable('x-powered-by');
  // Run views change with every step: an ETag (a hash of every JSON body) would rarely match.
  // Static files of the monitor keep theirs (serve-static sets them itself).
  app.set('etag', false);
  answerParserErrorsInJson(app.getHttpServer() as Server);
  if (config.redis) app.useWebSocketAdapter(new RedisIoAdapter(app, config.redis));
  useJsonBodies(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  serveOpenApi(app);
  serveMonitor(app, config);
  return app;
}
