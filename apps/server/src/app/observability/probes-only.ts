import { HttpStatus } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { errorBody } from '../common/http-exception.filter';

const PROBES = /^\/(metrics|health)(\/|\?|$)/;

/**
 * A worker executes runs and serves no API; with metrics on it listens for its scraper and health
 * checks only: every other path answers 404, as an unknown route would.
 */
export function serveProbesOnly(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      if (PROBES.test(request.url)) return done();
      void reply
        .code(HttpStatus.NOT_FOUND)
        .send(errorBody(HttpStatus.NOT_FOUND, `Cannot ${request.method} ${request.url.split('?', 1)[0]}`));
    });
}
