/**
 * A small REST client for what the browser cannot (or should not) do in a test: create a failing
 * run, check a run's state behind the UI. Types follow /work/shared/API.md, not the server's code.
 */
export type DemoUser = 'alice' | 'bob' | 'admin';
export type RunStatus = 'queued' | 'running' | 'cancelling' | 'completed' | 'failed' | 'cancelled';
export type Parameters = Record<string, string | number | boolean>;

export interface RunView {
  id: string;
  task: string;
  title: string;
  mode: 'foreground' | 'background';
  owner: { id: string; username: string };
  display: Record<string, unknown>;
  status: RunStatus;
  progress: { percent: number | null; message: string | null };
  error: { message: string; details: string | null } | null;
  result:
    null | { type: 'file'; fileName: string; contentType: string; size: number } | { type: 'value'; value: unknown };
}

export const FINISHED: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

export class Api {
  private constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  /** Logs a demo user in (password = user name). */
  static async as(baseUrl: string, user: DemoUser): Promise<Api> {
    const res = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: user, password: user }),
    });
    if (res.status !== 200) throw new Error(`login of ${user} answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as { accessToken: string };
    return new Api(baseUrl, body.accessToken);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  /** POST /api/runs; expects 202. */
  async startRun(body: {
    task: string;
    parameters?: Parameters;
    rows?: Parameters[];
    mode?: string;
  }): Promise<RunView> {
    const res = await this.call<RunView>('POST', '/api/runs', body);
    if (res.status !== 202) throw new Error(`POST /api/runs answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** GET of any JSON route (the admin statistics, say). */
  async getJson<T>(path: string): Promise<T> {
    const res = await this.call<T>('GET', path);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    return res.body;
  }

  async getRun(id: string): Promise<RunView> {
    const res = await this.call<RunView>('GET', `/api/runs/${id}`);
    if (res.status !== 200) throw new Error(`GET /api/runs/${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** POST /api/runs/:id/cancel; expects 202. */
  async cancel(id: string): Promise<RunView> {
    const res = await this.call<RunView>('POST', `/api/runs/${id}/cancel`);
    if (res.status !== 202) throw new Error(`cancel of ${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** The caller's top-level runs (first page, up to 200). */
  async listRuns(): Promise<RunView[]> {
    const res = await this.call<{ items: RunView[] }>('GET', '/api/runs?limit=200');
    if (res.status !== 200) throw new Error(`GET /api/runs answered ${res.status}`);
    return res.body.items;
  }

  /** GET /api/runs/:id/result as bytes; expects 200. */
  async result(id: string): Promise<Buffer> {
    const res = await fetch(`${this.baseUrl}/api/runs/${id}/result`, {
      headers: { Authorization: `Bearer ${this.token}` },
    });
    if (res.status !== 200) throw new Error(`GET /api/runs/${id}/result answered ${res.status}: ${await res.text()}`);
    return Buffer.from(await res.arrayBuffer());
  }

  /** Long-polls /wait until the run has finished. */
  async waitFinished(id: string, withinMs = 60_000): Promise<RunView> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const res = await this.call<RunView>('GET', `/api/runs/${id}/wait?timeout=10`);
      if (res.status !== 200) throw new Error(`GET /api/runs/${id}/wait answered ${res.status}`);
      if (FINISHED.includes(res.body.status)) return res.body;
      if (Date.now() > deadline) throw new Error(`run ${id} still ${res.body.status} after ${withinMs} ms`);
    }
  }
}
