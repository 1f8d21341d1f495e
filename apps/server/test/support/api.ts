/**
 * A thin supertest client for one user of a running server, and the few steps every suite takes:
 * log in, start a run, wait for it.
 */
import request, { type Response, type Test } from 'supertest';

import {
  type LoginResponse,
  type Parameters,
  type RunMode,
  type RunPage,
  type RunStatus,
  type RunView,
  expectRunView,
  isFinished,
} from './contract';

export type DemoUser = 'alice' | 'bob' | 'admin';

export interface StartRunBody {
  task: string;
  parameters?: Parameters;
  rows?: Parameters[];
  mode?: RunMode;
}

/** Collects a response body as raw bytes (PDFs, zips). */
export function binaryParser(res: Response, callback: (error: Error | null, body: Buffer) => void): void {
  // In Node, superagent hands parsers the raw IncomingMessage stream.
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
  stream.on('error', (error: Error) => callback(error, Buffer.alloc(0)));
}

/** Open `/wait` calls of one client (server and token) at most, below the server's default of 10. */
export const WAITS_PER_CLIENT = 5;

/** A counting semaphore per key: `acquire` resolves, in order, once fewer than `max` are held. */
class KeyedSemaphore {
  private readonly held = new Map<string, number>();
  private readonly queued = new Map<string, (() => void)[]>();

  constructor(private readonly max: number) {}

  async acquire(key: string): Promise<() => void> {
    if ((this.held.get(key) ?? 0) >= this.max) {
      await new Promise<void>((resolve) => this.queued.set(key, [...(this.queued.get(key) ?? []), resolve]));
    } else {
      this.held.set(key, (this.held.get(key) ?? 0) + 1);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queued.get(key)?.shift();
      // The slot passes straight to the next in line; only without one does the count drop.
      if (next) next();
      else this.held.set(key, (this.held.get(key) ?? 1) - 1);
    };
  }
}

const openWaits = new KeyedSemaphore(WAITS_PER_CLIENT);

export class Api {
  constructor(
    readonly baseUrl: string,
    readonly token: string | null = null,
    readonly login: LoginResponse | null = null,
  ) {}

  /** Logs a demo user in (password = username) and returns their client. */
  static async as(baseUrl: string, user: DemoUser): Promise<Api> {
    const res = await request(baseUrl).post('/api/auth/login').send({ username: user, password: user });
    if (res.status !== 200) throw new Error(`login of ${user} answered ${res.status}: ${JSON.stringify(res.body)}`);
    const body = res.body as LoginResponse;
    return new Api(baseUrl, body.accessToken, body);
  }

  /** A client without a token. */
  static anonymous(baseUrl: string): Api {
    return new Api(baseUrl);
  }

  get userId(): string {
    if (!this.login) throw new Error('anonymous client');
    return this.login.user.id;
  }

  private auth(test: Test): Test {
    return this.token ? test.set('Authorization', `Bearer ${this.token}`) : test;
  }

  get(path: string): Test {
    return this.auth(request(this.baseUrl).get(path));
  }

  post(path: string, body?: string | object): Test {
    const test = this.auth(request(this.baseUrl).post(path));
    return body === undefined ? test : test.send(body);
  }

  patch(path: string, body?: string | object): Test {
    const test = this.auth(request(this.baseUrl).patch(path));
    return body === undefined ? test : test.send(body);
  }

  delete(path: string): Test {
    return this.auth(request(this.baseUrl).delete(path));
  }

  /** POST /api/runs, asserting 202 and a RunView. */
  async startRun(body: StartRunBody): Promise<RunView> {
    const res = await this.post('/api/runs', body);
    if (res.status !== 202) {
      throw new Error(
        `POST /api/runs ${JSON.stringify(body).slice(0, 200)} answered ${res.status}: ${JSON.stringify(res.body)}`,
      );
    }
    return expectRunView(res.body);
  }

  async getRun(id: string): Promise<RunView> {
    const res = await this.get(`/api/runs/${id}`);
    if (res.status !== 200) throw new Error(`GET /api/runs/${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return expectRunView(res.body);
  }

  async list(query = ''): Promise<RunPage> {
    const res = await this.get(`/api/runs${query}`);
    if (res.status !== 200)
      throw new Error(`GET /api/runs${query} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as RunPage;
  }

  /** Every one of the caller's top-level run ids (filtered by `query`, e.g. { status: 'failed' }), walking the cursor. */
  async allRunIds(query: Record<string, string> = {}, path = '/api/runs'): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const params = new URLSearchParams({ ...query, limit: '200', ...(cursor ? { cursor } : {}) });
      const res: Response = await this.get(`${path}?${params.toString()}`);
      if (res.status !== 200)
        throw new Error(`GET ${path}?${params.toString()} answered ${res.status}: ${JSON.stringify(res.body)}`);
      const page = res.body as RunPage;
      ids.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  }

  /**
   * Waits (through /wait, never sleeping) until the run has finished. At most `WAITS_PER_CLIENT` of a
   * user's waits are open at once on one server, as a well-behaved client keeps below
   * `ONWARD_MAX_WAITS_PER_USER` (default 100; suites set lower limits); more queue here until one ends.
   */
  async waitFinished(id: string, withinMs = 60_000): Promise<RunView> {
    const release = await openWaits.acquire(`${this.baseUrl} ${this.token ?? ''}`);
    try {
      return await this.waitFinishedNow(id, withinMs);
    } finally {
      release();
    }
  }

  private async waitFinishedNow(id: string, withinMs: number): Promise<RunView> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const remaining = Math.ceil((deadline - Date.now()) / 1000);
      const res = await this.get(`/api/runs/${id}/wait?timeout=${Math.max(1, Math.min(30, remaining))}`);
      if (res.status !== 200)
        throw new Error(`GET /api/runs/${id}/wait answered ${res.status}: ${JSON.stringify(res.body)}`);
      const run = res.body as RunView;
      if (isFinished(run.status)) return expectRunView(run);
      if (Date.now() >= deadline) {
        throw new Error(
          `run ${id} (${run.task}) still ${run.status} after ${withinMs} ms: ${JSON.stringify(run.progress)}`,
        );
      }
    }
  }

  /** Polls GET /api/runs/:id until the predicate holds (for states /wait does not wait for). */
  async pollRun(
    id: string,
    predicate: (run: RunView) => boolean,
    withinMs = 20_000,
    what = 'the condition',
  ): Promise<RunView> {
    return pollUntil(() => this.getRun(id), predicate, withinMs, `run ${id}: ${what}`);
  }

  /** Starts a run and waits for it to finish. */
  async runToEnd(body: StartRunBody, withinMs = 60_000): Promise<RunView> {
    const run = await this.startRun(body);
    return this.waitFinished(run.id, withinMs);
  }

  /** GET /api/runs/:id/result as raw bytes. */
  async resultBytes(id: string): Promise<Response & { body: Buffer }> {
    return (await this.get(`/api/runs/${id}/result`).buffer(true).parse(binaryParser)) as Response & { body: Buffer };
  }
}

/** Re-reads a state until the predicate holds, pausing briefly between reads. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  predicate: (value: T) => boolean,
  withinMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + withinMs;
  let last: T;
  do {
    last = await read();
    if (predicate(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  } while (Date.now() < deadline);
  throw new Error(
    `timed out after ${withinMs} ms waiting for ${what}; last state: ${JSON.stringify(last).slice(0, 500)}`,
  );
}

/** Parameters of a recalculate-prices run that takes about `seconds`. */
export function recalc(seconds: number, category = 'Hardware'): StartRunBody {
  return { task: 'recalculate-prices', parameters: { category, seconds } };
}

export function salesReport(customer: string, year = 2024): StartRunBody {
  return { task: 'sales-report', parameters: { customer, year } };
}

export const statusesOf = (runs: RunView[]): RunStatus[] => runs.map((r) => r.status);
