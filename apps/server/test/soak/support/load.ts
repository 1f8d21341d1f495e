/**
 * The soak's mixed load: users alice, bob and admin, each with a few concurrent "actors" that start
 * runs of the whole catalogue (sales reports, some for an unknown customer, short price
 * recalculations, print previews, schedulers over several rows), cancel, delete, move to the
 * background, await, list and download, over both API processes at random. Every run the load
 * creates is written down in a ledger (its id from the 202), so that the end of the soak can account
 * for each one. Unfinished runs per user are capped, so the queue stays bounded and drains.
 */
import type { Response } from 'supertest';

import { Api, type DemoUser, type StartRunBody, binaryParser } from '../../support/api';
import type { RunPage, RunResult, RunView } from '../../support/contract';
import { SeededRandom } from '../../../src/app/demo/seeded-random';
import { readZip } from '../../support/zip';

export const USERS: readonly DemoUser[] = ['alice', 'bob', 'admin'];
const CUSTOMERS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark'] as const;
const CATEGORIES = ['Hardware', 'Software', 'Services'] as const;
const YEARS = [2024, 2025] as const;
/** A customer the demo data does not know: its reports fail, naming it. */
export const UNKNOWN_CUSTOMER = 'Nobody Ltd';

/** The demo data's seeded PRNG, with the picks the load needs: the same seed gives the same mix of actions. */
export class Random extends SeededRandom {
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

export interface LedgerEntry {
  id: string;
  owner: DemoUser;
  task: string;
  /** Rows of a scheduler run; 0 for a single run. */
  rows: number;
  /** A single report for an unknown customer: it must end failed, naming the customer. */
  unknownCustomer: string | null;
  /** A cancel answered 202 with `cancelled` or `cancelling`: the run must end `cancelled`. */
  cancelAccepted: boolean;
  /** DELETE answered 204: the run must answer 404 and be in no list. */
  deleted: boolean;
}

type Action =
  | 'start-report'
  | 'start-unknown'
  | 'start-recalc'
  | 'start-preview'
  | 'start-scheduler'
  | 'start-recalc-rows'
  | 'cancel'
  | 'delete'
  | 'download'
  | 'list'
  | 'background'
  | 'wait'
  | 'admin-cancel'
  | 'admin-delete';

const WEIGHTS: readonly [Action, number][] = [
  ['start-report', 22],
  ['start-unknown', 4],
  ['start-recalc', 16],
  ['start-preview', 8],
  ['start-scheduler', 7],
  ['start-recalc-rows', 3],
  ['cancel', 10],
  ['delete', 7],
  ['download', 10],
  ['list', 6],
  ['background', 3],
  ['wait', 4],
  ['admin-cancel', 2],
  ['admin-delete', 2],
];

/** HTTP statuses each kind of request may answer under load (503 only while Redis is away). */
const EXPECTED: Record<string, number[]> = {
  start: [202],
  cancel: [202, 404, 409],
  delete: [204, 404],
  download: [200, 404],
  list: [200],
  background: [200, 404],
  wait: [200, 404],
};

/** What is wrong with a downloaded result file, or null when it is a whole PDF or zip of the stated size. */
export function fileProblem(res: Response, result: Extract<RunResult, { type: 'file' }>): string | null {
  if (res.status !== 200) return `answered ${res.status}`;
  const body = res.body as unknown;
  if (!Buffer.isBuffer(body)) return 'answered no bytes';
  if (body.length !== result.size) return `${body.length} bytes, but its result says ${result.size}`;
  const type = String(res.headers['content-type'] ?? '');
  if (!type.startsWith(result.contentType)) return `Content-Type ${type}, but its result says ${result.contentType}`;
  if (result.contentType === 'application/pdf') {
    if (body.subarray(0, 5).toString('latin1') !== '%PDF-') return 'is not a PDF';
    if (!body.subarray(-64).toString('latin1').includes('%%EOF')) return 'is a PDF without its end (%%EOF)';
  } else if (result.contentType === 'application/zip') {
    try {
      if (readZip(body).length === 0) return 'is an empty zip';
    } catch (error) {
      return `is not a readable zip: ${(error as Error).message}`;
    }
  }
  return null;
}

/** Downloads a run's result as raw bytes. */
export async function download(api: Api, id: string): Promise<Response> {
  return api
    .get(`/api/runs/${id}/result`)
    .timeout({ response: 30_000, deadline: 120_000 })
    .buffer(true)
    .parse(binaryParser);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Cached<T> {
  value: T;
  at: number;
}

export class SoakLoad {
  readonly ledger = new Map<string, LedgerEntry>();
  /** `action → status` counts of every request made. */
  readonly counts = new Map<string, Map<string, number>>();
  readonly anomalies: string[] = [];
  /** POSTs that got no answer: a run may exist that the ledger does not know. */
  uncertainCreates = 0;
  /** Cancels answered 202 with a run that had already finished (the cancel lost the race). */
  cancelsTooLate = 0;
  downloadsChecked = 0;
  private readonly byUser = new Map<DemoUser, string[]>(USERS.map((u) => [u, []]));
  private readonly active = new Map<DemoUser, Cached<RunView[]>>();
  private readonly completed = new Map<DemoUser, Cached<RunView[]>>();
  private outage: { from: number; to: number | null } | null = null;
  private stopped = false;

  constructor(
    /** One client per API process for each user (the same token works on every process). */
    private readonly clients: Record<DemoUser, Api[]>,
    private readonly rng: Random,
    /** Unfinished top-level runs a user may have before their actors stop starting more. */
    private readonly capPerUser = 8,
  ) {}

  /** 503 answers are expected from now until `outageEnded()` plus a margin (Redis is away). */
  outageStarted(): void {
    this.outage = { from: Date.now(), to: null };
  }

  outageEnded(): void {
    if (this.outage) this.outage.to = Date.now();
  }

  private inOutage(): boolean {
    if (!this.outage) return false;
    return this.outage.to === null || Date.now() < this.outage.to + 15_000;
  }

  /** Runs `actorsPerUser` actors for every user for `seconds`. */
  async run(seconds: number, actorsPerUser = 2): Promise<void> {
    this.stopped = false;
    const until = Date.now() + seconds * 1000;
    await Promise.all(USERS.flatMap((user) => Array.from({ length: actorsPerUser }, () => this.actor(user, until))));
  }

  stop(): void {
    this.stopped = true;
  }

  private async actor(user: DemoUser, until: number): Promise<void> {
    while (!this.stopped && Date.now() < until) {
      try {
        await this.step(user);
      } catch (error) {
        this.anomaly(`${user}: ${(error as Error).stack ?? String(error)}`);
      }
      await sleep(this.rng.int(200, 800));
    }
  }

  private api(user: DemoUser): Api {
    return this.rng.pick(this.clients[user]);
  }

  private anomaly(text: string): void {
    if (this.anomalies.length < 200) this.anomalies.push(text);
  }

  private count(kind: string, outcome: string): void {
    const row = this.counts.get(kind) ?? new Map<string, number>();
    row.set(outcome, (row.get(outcome) ?? 0) + 1);
    this.counts.set(kind, row);
  }

  /** Sends a request, counts its answer, and flags an answer that `kind` should never give. */
  private async call(kind: string, request: PromiseLike<Response>, what: string): Promise<Response | null> {
    try {
      const res = await request;
      this.count(kind, String(res.status));
      const allowed = EXPECTED[kind] ?? [];
      if (!allowed.includes(res.status) && !(res.status === 503 && this.inOutage())) {
        this.anomaly(`${what} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
      }
      return res;
    } catch (error) {
      this.count(kind, 'no answer');
      this.anomaly(`${what}: ${(error as Error).message}`);
      return null;
    }
  }

  private async step(user: DemoUser): Promise<void> {
    let action = this.chooseAction(user);
    if (action.startsWith('start-') && (await this.activeRuns(user)).length >= this.capPerUser) {
      action = this.rng.pick(['cancel', 'download', 'list', 'wait', 'background'] as const);
    }
    switch (action) {
      case 'start-report':
        return this.start(user, {
          task: 'sales-report',
          parameters: { customer: this.rng.pick(CUSTOMERS), year: this.rng.pick(YEARS) },
        });
      case 'start-unknown':
        return this.start(user, { task: 'sales-report', parameters: { customer: UNKNOWN_CUSTOMER, year: 2025 } });
      case 'start-recalc':
        return this.start(user, {
          task: 'recalculate-prices',
          parameters: { category: this.rng.pick(CATEGORIES), seconds: this.rng.int(5, 30) / 10 },
          ...(this.rng.chance(0.5) ? { mode: 'background' as const } : {}),
        });
      case 'start-preview':
        return this.start(user, { task: 'print-preview', parameters: { customer: this.rng.pick(CUSTOMERS) } });
      case 'start-scheduler': {
        const rows = Array.from({ length: this.rng.int(2, 4) }, () => ({
          customer: this.rng.chance(0.1) ? UNKNOWN_CUSTOMER : this.rng.pick(CUSTOMERS),
          year: this.rng.pick(YEARS),
        }));
        return this.start(user, { task: 'sales-report', rows });
      }
      case 'start-recalc-rows': {
        const rows = Array.from({ length: this.rng.int(2, 3) }, () => ({
          category: this.rng.pick(CATEGORIES),
          seconds: this.rng.int(5, 10) / 10,
        }));
        return this.start(user, { task: 'recalculate-prices', rows, mode: 'background' });
      }
      case 'cancel':
        return this.cancel(user, this.api(user), await this.someActiveRun(user));
      case 'delete':
        return this.delete(user, this.api(user), this.someLedgerRun(user));
      case 'download':
        return this.downloadOne(user);
      case 'list':
        await this.refreshActive(user);
        return;
      case 'background':
        return this.toBackground(user);
      case 'wait':
        return this.waitOne(user);
      case 'admin-cancel':
      case 'admin-delete':
        return this.adminAction(action);
    }
  }

  private chooseAction(user: DemoUser): Action {
    const weights = WEIGHTS.filter(([a]) => user === 'admin' || !a.startsWith('admin-'));
    let roll = this.rng.next() * weights.reduce((sum, [, w]) => sum + w, 0);
    for (const [action, weight] of weights) {
      roll -= weight;
      if (roll < 0) return action;
    }
    return 'list';
  }

  private async start(user: DemoUser, body: StartRunBody): Promise<void> {
    const what = `${user} POST /api/runs ${body.task}${body.rows ? ` (${body.rows.length} rows)` : ''}`;
    const res = await this.call('start', this.api(user).post('/api/runs', body).timeout(30_000), what);
    if (!res) {
      this.uncertainCreates++;
      return;
    }
    if (res.status !== 202) return;
    const view = res.body as RunView;
    if (view.status !== 'queued') this.anomaly(`${what} answered 202 with status ${view.status}`);
    const customer = body.parameters?.['customer'];
    this.ledger.set(view.id, {
      id: view.id,
      owner: user,
      task: body.task,
      rows: body.rows?.length ?? 0,
      unknownCustomer: customer === UNKNOWN_CUSTOMER ? UNKNOWN_CUSTOMER : null,
      cancelAccepted: false,
      deleted: false,
    });
    this.byUser.get(user)?.push(view.id);
  }

  /** The user's unfinished top-level runs, re-read when older than a second and a half. */
  private async activeRuns(user: DemoUser): Promise<RunView[]> {
    const cached = this.active.get(user);
    if (cached && Date.now() - cached.at < 1_500) return cached.value;
    return this.refreshActive(user);
  }

  private async refreshActive(user: DemoUser): Promise<RunView[]> {
    const res = await this.call(
      'list',
      this.api(user).get('/api/runs?status=queued,running,cancelling&limit=200').timeout(30_000),
      `${user} GET /api/runs (unfinished)`,
    );
    const value = res?.status === 200 ? (res.body as RunPage).items : (this.active.get(user)?.value ?? []);
    this.active.set(user, { value, at: Date.now() });
    return value;
  }

  private async someActiveRun(user: DemoUser): Promise<string | null> {
    const active = (await this.activeRuns(user)).filter((r) => r.status !== 'cancelling');
    return active.length > 0 ? this.rng.pick(active).id : null;
  }

  /** One of the user's 30 newest runs that is not deleted, finished or not. */
  private someLedgerRun(user: DemoUser): string | null {
    const ids = (this.byUser.get(user) ?? []).slice(-30).filter((id) => !this.ledger.get(id)?.deleted);
    return ids.length > 0 ? this.rng.pick(ids) : null;
  }

  private async cancel(who: string, api: Api, id: string | null): Promise<void> {
    if (!id) return;
    const res = await this.call('cancel', api.post(`/api/runs/${id}/cancel`).timeout(30_000), `${who} cancel ${id}`);
    if (res?.status !== 202) return;
    const view = res.body as RunView;
    const entry = this.ledger.get(id);
    if (view.status === 'cancelled' || view.status === 'cancelling') {
      if (entry) entry.cancelAccepted = true;
    } else {
      this.cancelsTooLate++;
    }
  }

  private async delete(who: string, api: Api, id: string | null): Promise<void> {
    if (!id) return;
    const res = await this.call('delete', api.delete(`/api/runs/${id}`).timeout(30_000), `${who} delete ${id}`);
    const entry = this.ledger.get(id);
    if (res?.status === 204 && entry) entry.deleted = true;
  }

  private async downloadOne(user: DemoUser): Promise<void> {
    let cached = this.completed.get(user);
    if (!cached || Date.now() - cached.at > 3_000) {
      const res = await this.call(
        'list',
        this.api(user).get('/api/runs?status=completed&limit=20').timeout(30_000),
        `${user} GET /api/runs (completed)`,
      );
      cached = { value: res?.status === 200 ? (res.body as RunPage).items : [], at: Date.now() };
      this.completed.set(user, cached);
    }
    const files = cached.value.filter((r) => r.result?.type === 'file');
    if (files.length === 0) return;
    const run = this.rng.pick(files);
    const result = run.result as Extract<RunResult, { type: 'file' }>;
    let res: Response;
    try {
      res = await download(this.api(user), run.id);
    } catch (error) {
      this.count('download', 'no answer');
      this.anomaly(`${user} download ${run.id}: ${(error as Error).message}`);
      return;
    }
    this.count('download', String(res.status));
    if (res.status === 404) return; // deleted meanwhile by the user's other actor
    this.downloadsChecked++;
    const problem = fileProblem(res, result);
    if (problem && !(res.status === 503 && this.inOutage())) {
      this.anomaly(`${user} download of ${run.task} ${run.id}: ${problem}`);
    }
  }

  private async toBackground(user: DemoUser): Promise<void> {
    const foreground = (await this.activeRuns(user)).filter(
      (r) => r.task === 'recalculate-prices' && r.mode === 'foreground',
    );
    if (foreground.length === 0) return;
    const run = this.rng.pick(foreground);
    const res = await this.call(
      'background',
      this.api(user).patch(`/api/runs/${run.id}`, { mode: 'background' }).timeout(30_000),
      `${user} PATCH ${run.id} to the background`,
    );
    if (res?.status === 200 && (res.body as RunView).mode !== 'background') {
      this.anomaly(`${user} PATCH ${run.id}: answered 200 with mode ${(res.body as RunView).mode}`);
    }
  }

  private async waitOne(user: DemoUser): Promise<void> {
    const id = await this.someActiveRun(user);
    if (!id) return;
    await this.call('wait', this.api(user).get(`/api/runs/${id}/wait?timeout=2`).timeout(30_000), `${user} wait ${id}`);
  }

  /** The admin cancels or deletes one of alice's or bob's unfinished runs. */
  private async adminAction(action: 'admin-cancel' | 'admin-delete'): Promise<void> {
    const admin = this.api('admin');
    const res = await this.call(
      'list',
      admin
        .get(`/api/admin/runs?user=${this.rng.pick(['alice', 'bob'])}&status=queued,running&limit=50`)
        .timeout(30_000),
      'admin GET /api/admin/runs',
    );
    if (res?.status !== 200) return;
    const items = (res.body as RunPage).items;
    if (items.length === 0) return;
    const id = this.rng.pick(items).id;
    if (action === 'admin-cancel') await this.cancel('admin (for another user)', admin, id);
    else await this.delete('admin (for another user)', admin, id);
  }
}
