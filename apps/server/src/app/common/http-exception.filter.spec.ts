import { type ArgumentsHost, BadRequestException, type HttpServer, Logger } from '@nestjs/common';
import type { ErrorBody } from '@onward/task-domain';

import { TooManyRequestsError } from './domain-errors';
import { HttpExceptionFilter } from './http-exception.filter';

/** What the filter answered: the adapter calls it made, recorded. */
function answer(
  exception: unknown,
  requestId?: string,
): { status: number; body: ErrorBody; headers: Record<string, string> } {
  const sent = { status: 0, body: null as unknown as ErrorBody, headers: {} as Record<string, string> };
  const http = {
    isHeadersSent: () => false,
    setHeader: (_response: unknown, name: string, value: string) => (sent.headers[name] = value),
    reply: (_response: unknown, body: ErrorBody, status: number) => {
      sent.body = body;
      sent.status = status;
    },
  } as unknown as HttpServer;
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => ({}), getRequest: () => ({ raw: { id: requestId } }) }),
  } as unknown as ArgumentsHost;
  new HttpExceptionFilter(http).catch(exception, host);
  return sent;
}

describe('HttpExceptionFilter', () => {
  it("shows the request's id (X-Request-Id, the log's reqId) as a 500's reference", () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { status, body } = answer(new Error('boom'), 'c0ffee-request-7');
    expect(status).toBe(500);
    expect(body.message).toBe('Internal server error; quote reference c0ffee-request-7 to the administrator');
  });

  it('answers an unexpected error with a reference that the log line carries with the stack', () => {
    const logged: string[] = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void logged.push(String(message)));
    const error = new Error('relation "secret_table" does not exist');

    const { status, body } = answer(error);

    expect(status).toBe(500);
    expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: expect.any(String) });
    const reference = /reference ([0-9a-f]{12})/.exec(body.message)?.[1];
    expect(reference).toBeDefined();
    expect(JSON.stringify(body)).not.toContain('secret_table');
    expect(JSON.stringify(body)).not.toContain('    at ');
    expect(logged.some((line) => line.includes(reference as string) && line.includes(error.stack as string))).toBe(
      true,
    );
  });

  it('answers a reached limit with 429 and Retry-After', () => {
    const { status, body, headers } = answer(new TooManyRequestsError('Too many queued runs', 4.2));
    expect(status).toBe(429);
    expect(body.message).toBe('Too many queued runs');
    expect(headers['Retry-After']).toBe('5');
  });

  it('keeps the message of an expected error', () => {
    expect(answer(new BadRequestException('limit must be 1–200')).body.message).toBe('limit must be 1–200');
  });
});
