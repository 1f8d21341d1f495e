import { Api, recalc, salesReport } from './support/api';
import { type RunPage, type RunView, expectError, expectRunView } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { useServer } from './support/server';

describeEachDatabase('admin', (db) => {
  const server = useServer(db);
  let alice: Api;
  let bob: Api;
  let admin: Api;
  let aliceDone: RunView;
  let bobFailed: RunView;
  let aliceScheduler: RunView;

  beforeAll(async () => {
    [alice, bob, admin] = await Promise.all([
      Api.as(server.url, 'alice'),
      Api.as(server.url, 'bob'),
      Api.as(server.url, 'admin'),
    ]);
    aliceDone = await alice.runToEnd(recalc(0.5));
    bobFailed = await bob.runToEnd(salesReport('Nobody', 2025));
    aliceScheduler = await alice.runToEnd({
      task: 'recalculate-prices',
      rows: [{ category: 'Services', seconds: 0.5 }],
    });
  }, 60_000);

  async function adminIds(query: Record<string, string> = {}): Promise<string[]> {
    return admin.allRunIds(query, '/api/admin/runs');
  }

  async function adminPage(query: string): Promise<RunPage> {
    const res = await admin.get(`/api/admin/runs${query}`);
    expect(res.status).toBe(200);
    return res.body as RunPage;
  }

  it('403 for users who are not admins, 401 without a token', async () => {
    expectError(await alice.get('/api/admin/runs'), 403);
    expectError(await bob.get('/api/admin/runs?user=bob'), 403);
    expectError(await Api.anonymous(server.url).get('/api/admin/runs'), 401);
  });

  it('lists every user’s top-level runs, newest first', async () => {
    const page = await adminPage('?limit=200');
    page.items.forEach((item) => expectRunView(item));
    const ids = page.items.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([aliceDone.id, bobFailed.id, aliceScheduler.id]));
    const children = (await alice.getRun(aliceScheduler.id)).children ?? [];
    expect(children).toHaveLength(1);
    for (const child of children) expect(ids).not.toContain(child.id);
    const times = page.items.map((r) => Date.parse(r.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('filters by user and by status', async () => {
    const ofAlice = await adminPage('?user=alice&limit=200');
    expect(ofAlice.items.length).toBeGreaterThanOrEqual(2);
    for (const item of ofAlice.items) expect(item.owner.username).toBe('alice');
    expect(ofAlice.items.map((r) => r.id)).toContain(aliceDone.id);

    const failed = await adminPage('?status=failed&limit=200');
    for (const item of failed.items) expect(item.status).toBe('failed');
    expect(failed.items.map((r) => r.id)).toContain(bobFailed.id);
    expect(failed.items.map((r) => r.id)).not.toContain(aliceDone.id);

    const bobsFailed = await adminPage('?user=bob&status=failed,cancelled');
    expect(bobsFailed.items.map((r) => r.id)).toEqual([bobFailed.id]);
    const aliceFailed = await adminPage('?user=alice&status=failed');
    expect(aliceFailed.items.map((r) => r.id)).not.toContain(bobFailed.id);
  });

  it('pages with limit and cursor', async () => {
    const all = await adminIds();
    expect(all.length).toBeGreaterThanOrEqual(3);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: RunPage = await adminPage(`?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(1);
      walked.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor && walked.length <= all.length);
    expect(walked).toEqual(all);
  });

  it.each([['limit=0'], ['limit=201'], ['status=nope'], ['cursor=forged']])('400 for %s', async (query) => {
    expectError(await admin.get(`/api/admin/runs?${query}`), 400);
  });

  it('may read, cancel and delete any user’s run', async () => {
    const running = await alice.startRun(recalc(30));
    expect((await admin.get(`/api/runs/${running.id}`)).status).toBe(200);
    await alice.pollRun(running.id, (r) => r.status === 'running', 20_000, 'running');
    const cancel = await admin.post(`/api/runs/${running.id}/cancel`);
    expect(cancel.status).toBe(202);
    expect(['cancelling', 'cancelled']).toContain(expectRunView(cancel.body).status);
    expect((await alice.waitFinished(running.id, 20_000)).status).toBe('cancelled');

    const res = await admin.delete(`/api/runs/${bobFailed.id}`);
    expect(res.status).toBe(204);
    expectError(await bob.get(`/api/runs/${bobFailed.id}`), 404);
    expect(await adminIds()).not.toContain(bobFailed.id);
  }, 40_000);

  it('admin’s own list (GET /api/runs) holds only admin’s runs', async () => {
    const own = await admin.runToEnd(recalc(0.5));
    const page = await admin.list('?limit=200');
    expect(page.items.map((r) => r.id)).toContain(own.id);
    for (const item of page.items) expect(item.owner.username).toBe('admin');
  });
});
