import type { TestRequest } from '@angular/common/http/testing';

/** Answers a pending request as the server answers a validation failure: 400 with one field's detail. */
export function flushFieldError(request: TestRequest, field: string, message: string, summary = message): void {
  request.flush(
    { statusCode: 400, error: 'Bad Request', message: summary, details: [{ field, message }] },
    { status: 400, statusText: 'Bad Request' },
  );
}
