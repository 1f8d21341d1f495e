import type { ArgumentMetadata } from '@nestjs/common';

import { ValidationError } from '../../common/domain-errors';
import { createValidationPipe } from '../../common/validation.pipe';
import { AdminListRunsQuery, ListChildrenQuery, ListRunsQuery, WaitQuery } from './list-runs.query';

const pipe = createValidationPipe();
const query = (metatype: ArgumentMetadata['metatype']) => (value: Record<string, string>) =>
  pipe.transform(value, { type: 'query', metatype });

/** The field errors of a query the pipe refuses. */
async function refused(check: Promise<unknown>): Promise<ValidationError> {
  const error = await check.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('ListRunsQuery', () => {
  const list = query(ListRunsQuery);

  it('types the values: limit a number, status a list, mode one of the modes', async () => {
    await expect(list({ limit: '7', status: 'running, queued', mode: 'background' })).resolves.toEqual({
      limit: 7,
      status: ['running', 'queued'],
      mode: 'background',
    });
    await expect(list({})).resolves.toEqual({});
    await expect(list({ status: '' })).resolves.toEqual({ status: [] });
    await expect(list({ limit: '200' })).resolves.toEqual({ limit: 200 });
  });

  it.each(['0', '201', '-1', 'abc', '1.5', ' 5', '1e2', '0x10', ''])(
    'refuses limit=%j with one message',
    async (limit) => {
      const error = await refused(list({ limit }));
      expect(error.details).toEqual([{ field: 'limit', message: 'limit must be a whole number from 1 to 200' }]);
    },
  );

  it('names only the unknown statuses, and refuses an unknown mode', async () => {
    const error = await refused(list({ status: 'queued,bogus,paused' }));
    expect(error.details).toEqual([{ field: 'status', message: 'status has an unknown status "bogus", "paused"' }]);
    expect((await refused(list({ mode: 'sideways' }))).details).toEqual([
      { field: 'mode', message: 'mode must be foreground or background' },
    ]);
  });

  it('takes the admin filter by username only on the admin query', async () => {
    await expect(query(AdminListRunsQuery)({ user: 'alice', limit: '3' })).resolves.toEqual({
      user: 'alice',
      limit: 3,
    });
    expect((await refused(list({ user: 'alice' }))).details?.[0]?.field).toBe('user');
  });
});

describe('ListChildrenQuery', () => {
  const children = query(ListChildrenQuery);

  it('takes a limit of 1–500 and a cursor', async () => {
    await expect(children({ limit: '500', cursor: 'abc.def' })).resolves.toEqual({ limit: 500, cursor: 'abc.def' });
    await expect(children({ limit: '1' })).resolves.toEqual({ limit: 1 });
  });

  it.each(['0', '501', 'ten', '2.5'])('refuses limit=%j', async (limit) => {
    const error = await refused(children({ limit }));
    expect(error.details).toEqual([{ field: 'limit', message: 'limit must be a whole number from 1 to 500' }]);
  });
});

describe('WaitQuery', () => {
  const wait = query(WaitQuery);

  it('takes seconds from 0 to 60, fractions too', async () => {
    await expect(wait({ timeout: '0.5' })).resolves.toEqual({ timeout: 0.5 });
    await expect(wait({ timeout: '60' })).resolves.toEqual({ timeout: 60 });
    await expect(wait({})).resolves.toEqual({});
  });

  it.each(['61', '-1', 'abc', '1e1', ''])('refuses timeout=%j', async (timeout) => {
    const error = await refused(wait({ timeout }));
    expect(error.details).toEqual([{ field: 'timeout', message: 'timeout must be a number of seconds from 0 to 60' }]);
  });
});
