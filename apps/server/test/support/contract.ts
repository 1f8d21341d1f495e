/**
 * The contract of /work/shared/API.md, written down independently of the server's own types so
 * that the suite holds the server to the document rather than to its implementation.
 */
import { STATUS_CODES } from 'node:http';

export const RUN_STATUSES = ['queued', 'running', 'cancelling', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];
export const ACTIVE_STATUSES: readonly RunStatus[] = ['running', 'cancelling'];

export type RunMode = 'foreground' | 'background';
export type ParameterValue = string | number | boolean;
export type Parameters = Record<string, ParameterValue>;

export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
}

export interface LoginResponse {
  accessToken: string;
  user: User;
}

export interface ParameterDefinition {
  name: string;
  label: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'file';
  required: boolean;
  default?: ParameterValue;
  min?: number;
  max?: number;
  /** The only values allowed (a select list). */
  options?: { value: ParameterValue; label: string }[];
}

export interface TaskDefinition {
  id: string;
  title: string;
  kind: 'task' | 'report';
  awaitResult: 'yes' | 'no' | 'optional';
  background: boolean;
  displayParameters: string[];
  parameters: ParameterDefinition[];
}

export type RunResult =
  | { type: 'file'; fileName: string; contentType: string; size: number }
  | { type: 'value'; value: unknown; summary?: string };

export interface SchedulerState {
  total: number;
  completed: number;
  failed: number;
  cancelled: number;
  current: null | { id: string; title: string; display: Parameters; progress: Progress };
}

export interface Progress {
  percent: number | null;
  message: string | null;
}

export interface RunView {
  id: string;
  task: string;
  title: string;
  kind: 'task' | 'report' | 'upload';
  owner: { id: string; username: string };
  mode: RunMode;
  display: Parameters;
  status: RunStatus;
  progress: Progress;
  result: RunResult | null;
  error: null | { message: string; details: string | null };
  parentId: string | null;
  scheduler: SchedulerState | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  version: number;
  cancelledBy: null | { id: string; username: string; admin: boolean };
  rerunOf: string | null;
  stalled: boolean;
  queue: null | { position: number; reason: 'user-limit' | 'capacity' };
  estimate: null | { remainingMs: number; basis: 'progress' | 'history' };
  firstRows?: Parameters[];
  children?: RunView[];
  childrenCursor?: string;
}

export interface RunPage {
  items: RunView[];
  nextCursor: string | null;
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: { field: string; message: string }[];
}

export interface RunNotification {
  id: string;
  event: 'started' | 'finished';
  status: RunStatus;
  title: string;
  display: Parameters;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIso(value: unknown): boolean {
  return typeof value === 'string' && ISO_8601.test(value) && !Number.isNaN(Date.parse(value));
}

function checkProgress(value: unknown, at: string, problems: string[]): void {
  if (!isRecord(value)) {
    problems.push(`${at} is not an object`);
    return;
  }
  const { percent, message } = value;
  if (!(percent === null || (typeof percent === 'number' && percent >= 0 && percent <= 100))) {
    problems.push(`${at}.percent is ${JSON.stringify(percent)}, not null or 0–100`);
  }
  if (!(message === null || typeof message === 'string')) problems.push(`${at}.message is not null or a string`);
}

/** Lists every way in which `value` is not a RunView as API.md defines it. */
export function runViewProblems(value: unknown, at = 'run'): string[] {
  const problems: string[] = [];
  if (!isRecord(value)) return [`${at} is not an object`];
  const v = value;
  for (const key of ['id', 'task', 'title'] as const) {
    if (typeof v[key] !== 'string' || v[key] === '') problems.push(`${at}.${key} is not a non-empty string`);
  }
  if (!['task', 'report', 'upload'].includes(v['kind'] as string))
    problems.push(`${at}.kind is ${JSON.stringify(v['kind'])}`);
  const owner = v['owner'];
  if (!isRecord(owner) || typeof owner['id'] !== 'string' || typeof owner['username'] !== 'string') {
    problems.push(`${at}.owner is not { id, username }`);
  }
  if (!['foreground', 'background'].includes(v['mode'] as string))
    problems.push(`${at}.mode is ${JSON.stringify(v['mode'])}`);
  if (!isRecord(v['display'])) problems.push(`${at}.display is not an object`);
  if (!(RUN_STATUSES as readonly string[]).includes(v['status'] as string)) {
    problems.push(`${at}.status is ${JSON.stringify(v['status'])}`);
  }
  checkProgress(v['progress'], `${at}.progress`, problems);
  const result = v['result'];
  if (result !== null) {
    if (!isRecord(result)) problems.push(`${at}.result is neither null nor an object`);
    else if (result['type'] === 'file') {
      if (typeof result['fileName'] !== 'string' || typeof result['contentType'] !== 'string') {
        problems.push(`${at}.result (file) lacks fileName/contentType`);
      }
      if (!Number.isInteger(result['size'])) problems.push(`${at}.result.size is not an integer`);
    } else if (result['type'] === 'value') {
      if (!('value' in result)) problems.push(`${at}.result (value) lacks value`);
      if ('summary' in result && typeof result['summary'] !== 'string')
        problems.push(`${at}.result.summary is not a string`);
    } else problems.push(`${at}.result.type is ${JSON.stringify(result['type'])}`);
  }
  const error = v['error'];
  if (error !== null) {
    if (!isRecord(error) || typeof error['message'] !== 'string')
      problems.push(`${at}.error is not { message, details }`);
    else if (!(error['details'] === null || typeof error['details'] === 'string')) {
      problems.push(`${at}.error.details is not null or a string`);
    }
  }
  if (!(v['parentId'] === null || typeof v['parentId'] === 'string'))
    problems.push(`${at}.parentId is not null or a string`);
  const scheduler = v['scheduler'];
  if (scheduler !== null) {
    if (!isRecord(scheduler)) problems.push(`${at}.scheduler is neither null nor an object`);
    else {
      for (const key of ['total', 'completed', 'failed', 'cancelled']) {
        if (!Number.isInteger(scheduler[key])) problems.push(`${at}.scheduler.${key} is not an integer`);
      }
      const current = scheduler['current'];
      if (current !== null) {
        if (!isRecord(current) || typeof current['id'] !== 'string' || typeof current['title'] !== 'string') {
          problems.push(`${at}.scheduler.current is not { id, title, display, progress }`);
        } else {
          if (!isRecord(current['display'])) problems.push(`${at}.scheduler.current.display is not an object`);
          checkProgress(current['progress'], `${at}.scheduler.current.progress`, problems);
        }
      }
    }
  }
  if (!isIso(v['createdAt'])) problems.push(`${at}.createdAt is not an ISO-8601 string`);
  for (const key of ['startedAt', 'finishedAt']) {
    if (!(v[key] === null || isIso(v[key]))) problems.push(`${at}.${key} is neither null nor an ISO-8601 string`);
  }
  if (!Number.isInteger(v['version'])) problems.push(`${at}.version is not an integer`);
  const cancelledBy = v['cancelledBy'];
  if (
    cancelledBy !== null &&
    !(
      isRecord(cancelledBy) &&
      typeof cancelledBy['id'] === 'string' &&
      typeof cancelledBy['username'] === 'string' &&
      typeof cancelledBy['admin'] === 'boolean'
    )
  ) {
    problems.push(`${at}.cancelledBy is not null or { id, username, admin }`);
  }
  if (typeof v['stalled'] !== 'boolean') problems.push(`${at}.stalled is not a boolean`);
  const queue = v['queue'];
  if (
    queue !== null &&
    !(
      isRecord(queue) &&
      Number.isInteger(queue['position']) &&
      (queue['position'] as number) >= 1 &&
      (queue['reason'] === 'user-limit' || queue['reason'] === 'capacity')
    )
  ) {
    problems.push(`${at}.queue is not null or { position ≥ 1, reason }`);
  }
  const estimate = v['estimate'];
  if (
    estimate !== null &&
    !(
      isRecord(estimate) &&
      Number.isInteger(estimate['remainingMs']) &&
      (estimate['remainingMs'] as number) >= 0 &&
      (estimate['basis'] === 'progress' || estimate['basis'] === 'history')
    )
  ) {
    problems.push(`${at}.estimate is not null or { remainingMs ≥ 0, basis }`);
  }
  if (!(v['rerunOf'] === null || typeof v['rerunOf'] === 'string'))
    problems.push(`${at}.rerunOf is not null or a run id`);
  if ('children' in v && v['children'] !== undefined) {
    if (!Array.isArray(v['children'])) problems.push(`${at}.children is not an array`);
    else v['children'].forEach((child, i) => problems.push(...runViewProblems(child, `${at}.children[${i}]`)));
  }
  if ('childrenCursor' in v && (typeof v['childrenCursor'] !== 'string' || !('children' in v))) {
    problems.push(`${at}.childrenCursor is not a string beside children`);
  }
  return problems;
}

/** Asserts that `value` is a RunView; on failure lists every deviation. */
export function expectRunView(value: unknown): RunView {
  expect(runViewProblems(value)).toEqual([]);
  return value as RunView;
}

/** Lists every way in which an HTTP answer is not the contract's JSON error with this status. */
export function errorProblems(
  res: { status: number; headers: Record<string, string>; body: unknown },
  status: number,
): string[] {
  const problems: string[] = [];
  if (res.status !== status) problems.push(`HTTP status is ${res.status}, expected ${status}`);
  if (!/application\/json/.test(res.headers['content-type'] ?? '')) {
    problems.push(`Content-Type is ${JSON.stringify(res.headers['content-type'])}, not JSON`);
  }
  const body = res.body;
  if (!isRecord(body)) return [...problems, `body is not a JSON object: ${JSON.stringify(body)}`];
  if (body['statusCode'] !== status) problems.push(`body.statusCode is ${JSON.stringify(body['statusCode'])}`);
  if (body['error'] !== STATUS_CODES[status]) {
    problems.push(`body.error is ${JSON.stringify(body['error'])}, expected ${JSON.stringify(STATUS_CODES[status])}`);
  }
  if (typeof body['message'] !== 'string' || body['message'] === '')
    problems.push('body.message is not a non-empty string');
  if ('details' in body) {
    const details = body['details'];
    if (
      !Array.isArray(details) ||
      !details.every((d) => isRecord(d) && typeof d['field'] === 'string' && typeof d['message'] === 'string')
    ) {
      problems.push(`body.details is not [{ field, message }]: ${JSON.stringify(details)}`);
    }
  }
  return problems;
}

/** Asserts the contract's JSON error body with this status and returns it. */
export function expectError(
  res: { status: number; headers: Record<string, string>; body: unknown },
  status: number,
): ErrorBody {
  expect(errorProblems(res, status)).toEqual([]);
  return res.body as ErrorBody;
}

/** Asserts a 400 whose `details` name the given field (e.g. `parameters.year`). */
export function expectFieldError(
  res: { status: number; headers: Record<string, string>; body: unknown },
  field: string | RegExp,
): ErrorBody {
  const body = expectError(res, 400);
  const fields = (body.details ?? []).map((d) => d.field);
  if (typeof field === 'string') expect(fields).toContain(field);
  else expect(fields.some((f) => field.test(f))).toBe(true);
  return body;
}

export function isFinished(status: RunStatus): boolean {
  return FINISHED_STATUSES.includes(status);
}
