import { Api } from './support/api';
import { expectRunView } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { useServer } from './support/server';

describeEachDatabase("a run's language (Accept-Language → ctx.locale)", (db) => {
  const server = useServer(db);
  let alice: Api;

  beforeAll(async () => {
    alice = await Api.as(server.url, 'alice');
  });

  const prices = { task: 'recalculate-prices', parameters: { category: 'Services', seconds: 0.5 } };

  async function startIn(language: string | null, body: object = prices) {
    const request = alice.post('/api/runs', body);
    if (language !== null) request.set('Accept-Language', language);
    return expectRunView((await request.expect(202)).body);
  }

  it('writes the progress and the summary of a run started in Dutch in Dutch', async () => {
    const run = await alice.waitFinished((await startIn('nl-NL,nl;q=0.9')).id, 30_000);
    expect(run.status).toBe('completed');
    expect(run.progress.message).toMatch(/^\d+ prijzen bijgewerkt$/);
    expect(run.result).toMatchObject({ type: 'value', summary: expect.stringMatching(/prijzen? bijgewerkt$/) });
  }, 60_000);

  it('stays English without the header, for English, and for a language Onward does not ship', async () => {
    for (const language of [null, 'en-GB,en;q=0.9', 'de-DE,de;q=0.9']) {
      const run = await alice.waitFinished((await startIn(language)).id, 30_000);
      expect(run.progress.message).toMatch(/^Updated \d+ prices$/);
    }
  }, 90_000);

  it("keeps the run's language when it runs again, whoever's browser asks", async () => {
    const first = await alice.waitFinished((await startIn('nl')).id, 30_000);
    const again = alice.post(`/api/runs/${first.id}/rerun`, {}).set('Accept-Language', 'en');
    const rerun = await alice.waitFinished(expectRunView((await again.expect(202)).body).id, 30_000);
    expect(rerun.progress.message).toMatch(/prijzen bijgewerkt$/);
  }, 60_000);

  it("gives a selection's subtasks their scheduler's language", async () => {
    const scheduler = await startIn('nl', {
      task: 'sales-report',
      rows: [
        { customer: 'Acme', year: 2024 },
        { customer: 'Globex', year: 2024 },
      ],
    });
    await alice.waitFinished(scheduler.id, 60_000);
    const children = (await alice.get(`/api/runs/${scheduler.id}/children`).expect(200)).body.items as {
      progress: { message: string | null };
    }[];
    expect(children.map((child) => child.progress.message)).toEqual(['Klaar', 'Klaar']);
  }, 90_000);
});
