/** Assertions shared by several suites. */
import type { Response } from 'supertest';

import type { Api } from './api';
import { type RunView, expectError } from './contract';

/** Asserts a `Location` header that names the run (relative or absolute). */
export function expectLocation(res: Response, id: string): void {
  const location = res.headers['location'];
  expect(typeof location).toBe('string');
  expect(location).toMatch(new RegExp(`(^|/)api/runs/${id}$`));
}

/** Asserts createdAt ≤ startedAt ≤ finishedAt for a finished run. */
export function expectTimestampsInOrder(run: RunView): void {
  expect(run.startedAt).not.toBeNull();
  expect(run.finishedAt).not.toBeNull();
  const created = Date.parse(run.createdAt);
  const started = Date.parse(run.startedAt as string);
  const finished = Date.parse(run.finishedAt as string);
  expect(started).toBeGreaterThanOrEqual(created);
  expect(finished).toBeGreaterThanOrEqual(started);
}

/**
 * Sends a request that must be rejected with `status` and checks that it changed nothing the
 * caller can see: their list of runs is the same before and after.
 */
export async function expectRejectedWithoutChange(
  api: Api,
  send: () => Promise<Response>,
  status: number,
): Promise<Response> {
  const before = await api.allRunIds();
  const res = await send();
  expectError(res, status);
  expect(await api.allRunIds()).toEqual(before);
  return res;
}

/** The file name in `Content-Disposition: attachment; filename="…"`. */
export function attachmentFileName(res: Response): string {
  const disposition = res.headers['content-disposition'];
  expect(disposition).toMatch(/^attachment; *filename="[^"]+"/);
  return /filename="([^"]+)"/.exec(disposition as string)?.[1] as string;
}
