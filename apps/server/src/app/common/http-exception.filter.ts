import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  type HttpServer,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { ErrorBody } from '@onward/task-domain';
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { QueryFailedError } from 'typeorm';

import { DomainError, TooManyRequestsError, ValidationError } from './domain-errors';

const DOMAIN_STATUS: Record<DomainError['code'], number> = {
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  validation_failed: HttpStatus.BAD_REQUEST,
  forbidden: HttpStatus.FORBIDDEN,
  unauthorized: HttpStatus.UNAUTHORIZED,
  too_many_requests: HttpStatus.TOO_MANY_REQUESTS,
  payload_too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  gone: HttpStatus.GONE,
};

/** Connection-level failures of the database or Redis: the request may succeed later. */
function isUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && UNAVAILABLE_CODES.includes(code)) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}

// Socket errors, PostgreSQL "admin shutdown" / "cannot connect now" / connection exceptions, Redis offline.
const UNAVAILABLE_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01',
  '57P03',
  '08006',
  '08001',
  '08003',
];
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Stream isn't writeable/i,
  /Connection is closed/i,
];

/** A short id that ties what a client was shown to the server's log line. */
export function errorReference(): string {
  return randomBytes(6).toString('hex');
}

/** Builds the contract's error body. */
export function errorBody(statusCode: number, message: string, details?: ErrorBody['details']): ErrorBody {
  const body: ErrorBody = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
  if (details) body.details = details;
  return body;
}

/** Maps every error to the contract's JSON shape; the one place where errors become HTTP. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly http: HttpServer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const response: unknown = host.switchToHttp().getResponse();
    const request = host.switchToHttp().getRequest<{ raw?: { id?: unknown } } | undefined>();
    const body = this.toBody(exception, request?.raw?.id);
    if (this.http.isHeadersSent(response)) {
      this.http.end(response);
      return;
    }
    if (exception instanceof TooManyRequestsError) {
      this.http.setHeader(response, 'Retry-After', String(Math.max(1, Math.ceil(exception.retryAfterSeconds))));
    }
    this.http.reply(response, body, body.statusCode);
  }

  /** `requestId`: the request's id in the log (`X-Request-Id`), which a 500 shows as its reference. */
  private toBody(exception: unknown, requestId?: unknown): ErrorBody {
    if (exception instanceof ValidationError) {
      return errorBody(HttpStatus.BAD_REQUEST, exception.message, exception.details);
    }
    if (exception instanceof DomainError) {
      return errorBody(DOMAIN_STATUS[exception.code], exception.message);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Fastify's body limit, the only 413 here (Nest hands it over as "Request body is too large").
      if (status === HttpStatus.PAYLOAD_TOO_LARGE) return errorBody(status, 'The request body is larger than 1 MiB');
      const response = exception.getResponse();
      const message =
        typeof response === 'string'
          ? response
          : Array.isArray((response as { message?: unknown }).message)
            ? (response as { message: string[] }).message.join('; ')
            : String((response as { message?: unknown }).message ?? exception.message);
      return errorBody(status, message);
    }
    if (isUnavailable(exception) || (exception instanceof QueryFailedError && isUnavailable(exception.driverError))) {
      this.logger.warn(`Service unavailable: ${(exception as Error).message}`);
      return errorBody(HttpStatus.SERVICE_UNAVAILABLE, 'A backing service is unavailable; try again shortly');
    }
    // The client gets a reference to quote; the stack, which may tell an attacker about the server, stays in the log.
    const reference = typeof requestId === 'string' ? requestId : errorReference();
    this.logger.error(`[reference ${reference}] ${(exception as Error)?.stack ?? String(exception)}`);
    return errorBody(
      HttpStatus.INTERNAL_SERVER_ERROR,
      `Internal server error; quote reference ${reference} to the administrator`,
    );
  }
}
