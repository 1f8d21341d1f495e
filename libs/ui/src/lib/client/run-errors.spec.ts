import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';

import { describeError } from './run-errors';

const http = (status: number, message = 'Run 6e5d2a05-0000-4000-8000-000000000000 not found', headers?: HttpHeaders) =>
  new HttpErrorResponse({ status, headers, error: { statusCode: status, error: 'X', message } });

describe('describeError', () => {
  it('never passes on a run id or the server’s wording', () => {
    for (const status of [400, 401, 403, 404, 409, 413, 429, 500, 502, 503]) {
      for (const action of ['start', 'rerun', 'cancel', 'delete', 'background', 'result', 'load'] as const) {
        const text = describeError(http(status), action);
        expect(text).not.toContain('6e5d2a05');
        expect(text).not.toContain('not found');
        expect(text).not.toMatch(/\b\d{3}\b/);
      }
    }
    expect(describeError(new Error('TypeError: x is undefined'))).toBe('Something went wrong. Please try again.');
  });

  it('says why a run could not be run again', () => {
    expect(describeError(http(409, 'No subtask of run x failed'), 'rerun')).toBe(
      'This run cannot be run again as it is now.',
    );
    expect(describeError(http(404), 'rerun')).toBe(
      'This run no longer exists. It may have been deleted in another window.',
    );
    const refused = new HttpErrorResponse({
      status: 400,
      error: { message: 'x', details: [{ field: 'parameters.year', message: 'Year must be at least 2000' }] },
    });
    expect(describeError(refused, 'rerun')).toBe('Some values were not accepted: Year must be at least 2000.');
  });

  it('says what each failure means for the person', () => {
    expect(describeError(new HttpErrorResponse({ status: 0 }))).toBe(
      'The task server cannot be reached. Check your connection and try again.',
    );
    expect(describeError(http(404), 'delete')).toBe(
      'This run no longer exists. It may have been deleted in another window.',
    );
    expect(describeError(http(409, 'Run abc is already finished'), 'cancel')).toBe('The run had already finished.');
    expect(describeError(http(409), 'background')).toBe(
      'This task has to finish here; it cannot run in the background.',
    );
    expect(describeError(http(401))).toBe('Your sign-in has expired. Sign in again, then retry.');
  });

  it('keeps the field messages of a refused start, which name the user’s own values', () => {
    const refused = new HttpErrorResponse({
      status: 400,
      error: {
        statusCode: 400,
        message: 'Invalid parameters',
        details: [{ field: 'year', message: 'Year is required' }],
      },
    });
    expect(describeError(refused, 'start')).toBe('Some values were not accepted: Year is required.');
    expect(describeError(refused, 'cancel')).toBe('The task server did not accept this request.');
  });

  it('tells when to try again after a 429, in the locale’s words', () => {
    expect(describeError(http(429, 'x', new HttpHeaders({ 'Retry-After': '30' })), 'start')).toBe(
      'Too many runs are waiting already. Please try again in 30 seconds.',
    );
    expect(describeError(http(429, 'x', new HttpHeaders({ 'Retry-After': '120' })), 'start')).toBe(
      'Too many runs are waiting already. Please try again in 2 minutes.',
    );
    expect(describeError(http(429), 'start')).toBe('Too many runs are waiting already. Please try again in a moment.');
  });

  it('passes on only the reference of an unexpected server error', () => {
    const crash = http(500, 'Internal server error; quote reference 0a1b2c3d4e5f to the administrator');
    expect(describeError(crash)).toBe(
      'Something went wrong on the task server. If it happens again, give support this reference: 0a1b2c3d4e5f.',
    );
    expect(describeError(http(502, ''))).toBe('Something went wrong on the task server. Please try again in a moment.');
  });
});
