import { Api } from './support/api';
import { type RunView, expectRunView } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { useServer } from './support/server';
import { readZip } from './support/zip';

describeEachDatabase('run again (POST /api/runs/:id/rerun)', (db) => {
  const server = useServer(db);
  let alice: Api;
  let bob: Api;

  beforeAll(async () => {
    alice = await Api.as(server.url, 'alice');
    bob = await Api.as(server.url, 'bob');
  });

  const rerun = (api: Api, id: string, body: object = {}) => api.post(`/api/runs/${id}/rerun`, body);

  it('repeats a finished run with its parameters, the changed ones merged over them', async () => {
    const first = await alice.runToEnd({ task: 'sales-report', parameters: { customer: 'Acme', year: 2024 } }, 60_000);
    expect(first.status).toBe('completed');
    const again = await rerun(alice, first.id, { parameters: { year: 2025 } }).expect(202);
    const view = expectRunView(again.body);
    expect(again.headers['location']).toBe(`/api/runs/${view.id}`);
    expect(view).toMatchObject({ task: 'sales-report', rerunOf: first.id, display: { customer: 'Acme', year: 2025 } });
    expect(view.id).not.toBe(first.id);
    expect(['queued', 'running']).toContain(view.status);
    expect((await alice.waitFinished(view.id, 60_000)).status).toBe('completed');
    // The original is unchanged and says it repeats nothing.
    expect(await alice.getRun(first.id)).toMatchObject({ rerunOf: null, display: { customer: 'Acme', year: 2024 } });
  }, 120_000);

  it('checks the merged parameters as a start does, and refuses what cannot run again', async () => {
    const first = await alice.runToEnd({ task: 'sales-report', parameters: { customer: 'Acme', year: 2024 } }, 60_000);
    const bad = await rerun(alice, first.id, { parameters: { year: 'last' } }).expect(400);
    expect(JSON.stringify(bad.body.details)).toContain('parameters.year');
    await rerun(alice, first.id, { parameters: { colour: 'red' } }).expect(400);
    await rerun(alice, first.id, { only: 'everything' }).expect(400);
    await rerun(alice, first.id, { parameters: 'year=2025' }).expect(400);
    // A completed single run has no failed rows.
    await rerun(alice, first.id, { only: 'failed' }).expect(409);
    // Another user's run does not exist for bob; an unknown id neither.
    await rerun(bob, first.id).expect(404);
    await rerun(alice, '00000000-0000-4000-8000-000000000000').expect(404);
    await rerun(alice, 'not-a-run').expect(404);
  }, 120_000);

  it('answers 409 for a run that has not finished', async () => {
    const running = await alice.startRun({
      task: 'recalculate-prices',
      parameters: { category: 'Hardware', seconds: 30 },
      mode: 'background',
    });
    const refused = await rerun(alice, running.id).expect(409);
    expect(refused.body.message).toMatch(/not finished/);
    await alice.post(`/api/runs/${running.id}/cancel`).expect(202);
    const cancelled = await alice.waitFinished(running.id, 30_000);
    expect(cancelled.status).toBe('cancelled');
    // A cancelled run may run again, and so may the rows of one that failed or was cancelled.
    const again = expectRunView(
      (await rerun(alice, running.id, { only: 'failed', parameters: { seconds: 0.5 } }).expect(202)).body,
    );
    expect(again).toMatchObject({ rerunOf: running.id, display: { category: 'Hardware' } });
    expect((await alice.waitFinished(again.id, 60_000)).status).toBe('completed');
  }, 120_000);

  describe('a selection with a failed row', () => {
    let scheduler: RunView;

    beforeAll(async () => {
      const started = await alice.startRun({
        task: 'sales-report',
        rows: [
          { customer: 'Acme', year: 2024 },
          { customer: 'Nobody Ltd', year: 2024 },
          { customer: 'Globex', year: 2025 },
        ],
      });
      await alice.waitFinished(started.id, 90_000);
      scheduler = await alice.getRun(started.id);
      expect(scheduler.scheduler).toMatchObject({ total: 3, completed: 2, failed: 1 });
    }, 100_000);

    it('runs every row again', async () => {
      const again = expectRunView((await rerun(alice, scheduler.id).expect(202)).body);
      expect(again).toMatchObject({ rerunOf: scheduler.id, scheduler: { total: 3 } });
      await alice.waitFinished(again.id, 90_000);
      const children = (await alice.getRun(again.id)).children ?? [];
      expect(children.map((child) => child.display)).toEqual(scheduler.children?.map((child) => child.display));
    }, 100_000);

    it('retries only the failed rows, with the changes merged over each, and zips just those', async () => {
      const again = expectRunView(
        (await rerun(alice, scheduler.id, { only: 'failed', parameters: { customer: 'Initech' } }).expect(202)).body,
      );
      expect(again).toMatchObject({ rerunOf: scheduler.id, scheduler: { total: 1 } });
      const end = await alice.waitFinished(again.id, 90_000);
      expect(end.status).toBe('completed');
      const children = (await alice.getRun(again.id)).children ?? [];
      expect(children.map((child) => child.display)).toEqual([{ customer: 'Initech', year: 2024 }]);
      const result = await alice.resultBytes(again.id);
      expect(result.status).toBe(200);
      const zip = readZip(result.body);
      expect(zip.map((entry) => entry.name)).toHaveLength(1);
      expect(zip[0]?.name).toMatch(/Initech/);
      expect(zip[0]?.data.subarray(0, 5).toString()).toBe('%PDF-');
    }, 100_000);

    it('answers 409 when no row failed', async () => {
      const clean = await alice.startRun({ task: 'sales-report', rows: [{ customer: 'Acme', year: 2024 }] });
      await alice.waitFinished(clean.id, 60_000);
      const refused = await rerun(alice, clean.id, { only: 'failed' }).expect(409);
      expect(refused.body.message).toMatch(/No subtask/);
    }, 100_000);
  });
});
