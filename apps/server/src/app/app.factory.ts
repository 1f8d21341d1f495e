import { HttpStatus } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
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
  if (config.redis) app.useWebSocketAdapter(new RedisIoAdapter(app, config.redis));
  useJsonBodies(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  serveOpenApi(app);
  serveMonitor(app, config);
  return app;
}
