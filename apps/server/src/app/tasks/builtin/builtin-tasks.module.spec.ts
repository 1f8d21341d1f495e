import { TaskRegistry } from '../task-registry.service';
import { type BuiltinTasksFixture, startBuiltinTasks } from './builtin-tasks.testing';

// The database does not matter here: this is about what the module publishes in the catalogue.
describe('BuiltinTasksModule', () => {
  let fixture: BuiltinTasksFixture;

  beforeAll(async () => {
    fixture = await startBuiltinTasks('sqlite');
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('publishes the built-in tasks as API.md defines them', () => {
    const definitions = fixture.moduleRef.get(TaskRegistry).definitions();
    const byId = new Map(definitions.map((d) => [d.id, d]));
    expect([...byId.keys()].sort()).toEqual([
      'export-orders',
      'import-orders',
      'print-preview',
      'recalculate-prices',
      'sales-report',
    ]);

    expect(byId.get('sales-report')).toEqual({
      id: 'sales-report',
      title: 'Sales report',
      kind: 'report',
      awaitResult: 'no',
      background: true,
      displayParameters: ['customer', 'year'],
      parameters: [
        { name: 'customer', label: 'Customer', type: 'string', required: true },
        { name: 'year', label: 'Year', type: 'integer', required: true, min: 2000, max: 2100 },
      ],
    });
    expect(byId.get('recalculate-prices')).toEqual({
      id: 'recalculate-prices',
      title: 'Recalculate prices',
      kind: 'task',
      awaitResult: 'optional',
      background: true,
      displayParameters: ['category'],
      parameters: [
        {
          name: 'category',
          label: 'Category',
          type: 'string',
          required: true,
          options: ['Hardware', 'Services', 'Software'].map((value) => ({ value, label: value })),
        },
        {
          name: 'seconds',
          label: 'Duration (seconds)',
          type: 'number',
          required: false,
          default: 10,
          min: 0.5,
          max: 3600,
        },
      ],
    });
    expect(byId.get('print-preview')).toEqual({
      id: 'print-preview',
      title: 'Print preview',
      kind: 'report',
      awaitResult: 'yes',
      background: false,
      displayParameters: ['customer'],
      parameters: [{ name: 'customer', label: 'Customer', type: 'string', required: true }],
    });
  });

  it('declares the parameter bounds the engine validates against', () => {
    const options = (id: string) => fixture.moduleRef.get(TaskRegistry).get(id)?.options;
    expect(options('sales-report')?.parameters.find((p) => p.name === 'year')).toMatchObject({ min: 2000, max: 2100 });
    expect(options('recalculate-prices')?.parameters.find((p) => p.name === 'seconds')).toMatchObject({
      min: 0.5,
      max: 3600,
    });
  });
});
