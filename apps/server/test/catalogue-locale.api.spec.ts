import { Api } from './support/api';
import { type TaskDefinition, expectRunView } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { useServer } from './support/server';

describeEachDatabase("the catalogue and run titles in the caller's language", (db) => {
  const server = useServer(db);
  let bob: Api;

  beforeAll(async () => {
    bob = await Api.as(server.url, 'bob');
  });

  async function catalogue(language: string | null): Promise<TaskDefinition[]> {
    const request = bob.get('/api/tasks');
    if (language !== null) request.set('Accept-Language', language);
    return (await request.expect(200)).body as TaskDefinition[];
  }

  it('answers in Dutch for Accept-Language: nl, only the texts changed', async () => {
    const english = await catalogue(null);
    const dutch = await catalogue('nl-NL,nl;q=0.9,en;q=0.8');
    const report = dutch.find((t) => t.id === 'sales-report');
    expect(report?.title).toBe('Verkooprapport');
    expect(report?.parameters.map((p) => p.label)).toEqual(['Klant', 'Jaar']);
    const prices = dutch.find((t) => t.id === 'recalculate-prices');
    expect(prices?.parameters[0].options).toEqual([
      { value: 'Hardware', label: 'Hardware' },
      { value: 'Services', label: 'Diensten' },
      { value: 'Software', label: 'Software' },
    ]);
    const withoutTexts = (tasks: TaskDefinition[]) =>
      tasks.map(({ title: _title, parameters, ...rest }) => ({
        ...rest,
        parameters: parameters.map(({ label: _label, options, ...p }) => ({
          ...p,
          values: options?.map((o) => o.value),
        })),
      }));
    expect(withoutTexts(dutch)).toEqual(withoutTexts(english));
  });

  it('stays English without the header and for a language Onward does not ship', async () => {
    for (const language of [null, 'en-GB', 'de-DE,de;q=0.9']) {
      const report = (await catalogue(language)).find((t) => t.id === 'sales-report');
      expect(report?.title).toBe('Sales report');
      expect(report?.parameters.map((p) => p.label)).toEqual(['Customer', 'Year']);
    }
  });

  it('titles a run in its language, and its rerun keeps it', async () => {
    const start = bob
      .post('/api/runs', { task: 'recalculate-prices', parameters: { category: 'Services', seconds: 0.5 } })
      .set('Accept-Language', 'nl');
    const run = expectRunView((await start.expect(202)).body);
    expect(run.title).toBe('Prijzen herberekenen');
    await bob.waitFinished(run.id, 30_000);
    const again = bob.post(`/api/runs/${run.id}/rerun`, {}).set('Accept-Language', 'en');
    expect(expectRunView((await again.expect(202)).body).title).toBe('Prijzen herberekenen');
    const english = bob.post('/api/runs', {
      task: 'recalculate-prices',
      parameters: { category: 'Services', seconds: 0.5 },
    });
    expect(expectRunView((await english.expect(202)).body).title).toBe('Recalculate prices');
  }, 60_000);
});
