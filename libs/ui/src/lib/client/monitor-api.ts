import { HttpClient, HttpErrorResponse, HttpHeaders, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { AdminStats, RunPage, RunView, StatsWindow, TaskDefinition, WorkerInfo } from '@onward/task-domain';

import { ONWARD_MONITOR_CONFIG } from './monitor-config';
import type { MonitorUser, RerunRequest, RunQuery, SchedulerRunView, StartRunRequest } from './monitor-types';

interface CallOptions {
  params?: HttpParams;
  body?: unknown;
  responseType?: 'json' | 'blob';
}

/**
 * The REST calls of the contract, one method each, with the bearer token of the host. Stateless:
 * it holds no run and changes no signal (the client and its helpers do that with the answers).
 */
@Injectable({ providedIn: 'root' })
export class MonitorApi {
  private readonly config = inject(ONWARD_MONITOR_CONFIG);
  private readonly http = inject(HttpClient);

  /** `GET /api/auth/me`. */
  me(): Promise<MonitorUser> {
    return this.get<MonitorUser>('/api/auth/me');
  }

  /** `GET /api/tasks`. */
  tasks(): Promise<TaskDefinition[]> {
    return this.get<TaskDefinition[]>('/api/tasks');
  }

  /** `GET /api/runs`: one page of the caller's runs. */
  runs(query: RunQuery = {}): Promise<RunPage> {
    return this.get<RunPage>('/api/runs', runParams(query));
  }

  /** `GET /api/admin/runs`: one page over every user. */
  adminRuns(query: RunQuery = {}): Promise<RunPage> {
    return this.get<RunPage>('/api/admin/runs', runParams(query));
  }

  /** `GET /api/admin/stats`. */
  adminStats(window: StatsWindow): Promise<AdminStats> {
    return this.get<AdminStats>('/api/admin/stats', new HttpParams().set('window', window));
  }

  /** `GET /api/admin/workers`. */
  adminWorkers(): Promise<WorkerInfo[]> {
    return this.get<WorkerInfo[]>('/api/admin/workers');
  }

  /** `GET /api/runs/:id`: a scheduler comes with its first subtasks and `childrenCursor` when there are more. */
  run(id: string): Promise<SchedulerRunView> {
    return this.get<SchedulerRunView>(runPath(id));
  }

  /** `GET /api/runs/:id/children`: one page of a scheduler's subtasks, in row order. */
  children(id: string, query: { limit: number; cursor: string }): Promise<RunPage> {
    const params = new HttpParams().set('limit', String(query.limit)).set('cursor', query.cursor);
    return this.get<RunPage>(`${runPath(id)}/children`, params);
  }

  /** `POST /api/runs`. */
  start(request: StartRunRequest): Promise<RunView> {
    return this.call<RunView>('POST', '/api/runs', { body: request });
  }

  /** `POST /api/runs/:id/rerun`. */
  rerun(id: string, request: RerunRequest): Promise<RunView> {
    return this.call<RunView>('POST', `${runPath(id)}/rerun`, { body: request });
  }

  /** `POST /api/runs/:id/cancel`. */
  cancel(id: string): Promise<RunView> {
    return this.call<RunView>('POST', `${runPath(id)}/cancel`, { body: {} });
  }

  /** `DELETE /api/runs/:id`. */
  delete(id: string): Promise<void> {
    return this.call<void>('DELETE', runPath(id), {});
  }

  /**
   * `DELETE /api/runs/:id` as a keepalive fetch, which the browser completes after the page is
   * gone (an HttpClient request is aborted with the page); fire and forget.
   */
  deleteOnLeave(id: string): void {
    if (typeof fetch !== 'function') return;
    const token = this.config.token();
    void fetch(`${this.config.baseUrl}${runPath(id)}`, {
      method: 'DELETE',
      keepalive: true,
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    }).catch(() => undefined);
  }

  /** `PATCH /api/runs/:id { mode: 'background' }`. */
  moveToBackground(id: string): Promise<RunView> {
    return this.call<RunView>('PATCH', runPath(id), { body: { mode: 'background' } });
  }

  /** `GET /api/runs/:id/wait`; the timeout is held to the contract's 0–60 s. */
  wait(id: string, timeoutSeconds: number): Promise<RunView> {
    const params = new HttpParams().set('timeout', String(Math.min(60, Math.max(0, timeoutSeconds))));
    return this.get<RunView>(`${runPath(id)}/wait`, params);
  }

  /** `GET /api/runs/:id/result` as a Blob; `inline` asks for a PDF or image to preview. */
  result(id: string, inline = false): Promise<Blob> {
    const params = inline ? new HttpParams().set('disposition', 'inline') : undefined;
    return this.call<Blob>('GET', `${runPath(id)}/result`, { responseType: 'blob', params });
  }

  /** The absolute URL of a run's result (it needs the bearer token). */
  resultUrl(id: string): string {
    return `${this.config.baseUrl}${runPath(id)}/result`;
  }

  private get<T>(path: string, params?: HttpParams): Promise<T> {
    return this.call<T>('GET', path, { params });
  }

  private async call<T>(method: string, path: string, options: CallOptions): Promise<T> {
    const token = this.config.token();
    try {
      return await this.send<T>(method, path, options, token);
    } catch (error) {
      // The token may have expired since it was read: ask the host once more and, when it has a
      // fresh one, try again once (a 401 request changed nothing on the server).
      const fresh = error instanceof HttpErrorResponse && error.status === 401 ? this.config.token() : null;
      if (!fresh || fresh === token) throw error;
      return this.send<T>(method, path, options, fresh);
    }
  }

  private send<T>(method: string, path: string, options: CallOptions, token: string | null): Promise<T> {
    // The widget's language, not the browser's: runs started here write their messages in it.
    let headers = new HttpHeaders({ 'Accept-Language': this.config.locale });
    if (token) headers = headers.set('Authorization', `Bearer ${token}`);
    return new Promise<T>((resolve, reject) => {
      this.http
        .request(method, `${this.config.baseUrl}${path}`, {
          body: options.body,
          params: options.params,
          headers,
          // HttpClient's overloads are keyed on the literal responseType; the caller's T matches it.
          responseType: (options.responseType ?? 'json') as 'json',
        })
        .subscribe({ next: (value) => resolve(value as T), error: reject });
    });
  }
}

/** True when a call failed because the run does not exist (any more). */
export function isNotFound(error: unknown): boolean {
  return error instanceof HttpErrorResponse && error.status === 404;
}

/** True when a call failed because the server refused the token. */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof HttpErrorResponse && error.status === 401;
}

function runPath(id: string): string {
  return `/api/runs/${encodeURIComponent(id)}`;
}

/** The query of the run lists, in a fixed parameter order. */
function runParams(query: RunQuery): HttpParams {
  let params = new HttpParams();
  if (query.status?.length) params = params.set('status', query.status.join(','));
  if (query.mode) params = params.set('mode', query.mode);
  if (query.limit !== undefined) params = params.set('limit', String(query.limit));
  if (query.cursor) params = params.set('cursor', query.cursor);
  if (query.user) params = params.set('user', query.user);
  return params;
}
