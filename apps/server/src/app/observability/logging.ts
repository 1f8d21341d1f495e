import type { DynamicModule } from '@nestjs/common';
import { Parameters, ParameterDefinition } from '@onward/task-domain';
import { LoggerModule, type Params } from 'nestjs-pino';
import type { Options } from 'pino-http';
import { build } from 'pino-pretty';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';

import { ONWARD_CONFIG } from '../config/config.module';
import type { LogLevel, OnwardConfig } from '../config/onward-config';

export const REDACTED = '[redacted]';

/** An incoming `X-Request-Id` is kept when it is a plain token a log can show safely; else a UUID is made. */
const SANE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Nest's level names as pino's (the most verbose one enabled, `ONWARD_LOG_LEVEL`). */
const PINO_LEVEL: Record<LogLevel, string> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Credentials never logged, wherever a line carries them. */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'password',
  '*.password',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
];

/**
 * Fastify's `genReqId`: the id of a request in the log (`reqId`), in its `X-Request-Id` answer
 * header, and as a 500's reference. pino-http takes the id Fastify gave.
 */
export function requestId(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Every answer names its request's id, so that a client or a proxy can point at its log lines. */
export function answerWithRequestId(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    void reply.header('X-Request-Id', request.id);
    done();
  });
}

/** nestjs-pino's options for one configuration: JSON lines or pino-pretty, request ids, redaction. */
export function loggerParams(config: OnwardConfig): Params {
  const options: Options = {
    level: PINO_LEVEL[config.logLevels[config.logLevels.length - 1] ?? 'log'],
    // Request lines carry the id as `reqId` (a 500's reference), not the whole request object.
    quietReqLogger: true,
    // The answer's status is enough: its headers (the security policy) would double every line.
    serializers: { res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }) },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
  };
  // A stream imported here rather than a transport named by a string: the build's package.json then
  // lists pino-pretty, and a deployed server finds it.
  return {
    pinoHttp:
      config.logFormat === 'pretty'
        ? [options, build({ singleLine: true, translateTime: 'SYS:HH:MM:ss.l', sync: true })]
        : options,
  };
}

/** The logger of the whole server, configured from `ONWARD_CONFIG`. */
export function onwardLoggerModule(): DynamicModule {
  return LoggerModule.forRootAsync({
    inject: [ONWARD_CONFIG],
    useFactory: (config: OnwardConfig) => loggerParams(config),
  });
}

/** A run's parameters as a log may show them: every secret parameter's value as "[redacted]". */
export function loggableParameters(parameters: Parameters, definitions: readonly ParameterDefinition[]): Parameters {
  const secret = definitions.filter((d) => d.secret && parameters[d.name] !== undefined);
  if (secret.length === 0) return parameters;
  const shown = { ...parameters };
  for (const { name } of secret) shown[name] = REDACTED;
  return shown;
}
