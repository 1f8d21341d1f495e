import { provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import type { TaskDefinition } from '@onward/task-domain';
import { MonitorClient, RunLauncher } from '@onward/ui';

import { CustomersPage } from './customers-page';

const SALES: TaskDefinition = {
  id: 'sales-report',
  title: 'Sales report',
  kind: 'report',
  awaitResult: 'no',
  background: true,
  displayParameters: ['customer', 'year'],
  parameters: [
    { name: 'customer', label: 'Customer', type: 'string', required: true },
    { name: 'year', label: 'Year', type: 'integer', required: true },
  ],
};

describe('CustomersPage', () => {
  let launch: jest.Mock;

  beforeEach(async () => {
    launch = jest.fn().mockResolvedValue(null);
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
        {
          provide: MonitorClient,
          useValue: { tasks: signal([SALES]), loadTasks: jest.fn().mockResolvedValue([SALES]) },
        },
        { provide: RunLauncher, useValue: { launch } },
      ],
    });
  });

  async function render() {
    const fixture = TestBed.createComponent(CustomersPage);
    await fixture.whenStable();
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const select = async (name: string) => {
      (el.querySelector(`input[aria-label="Select ${name}"]`) as HTMLInputElement).click();
      await fixture.whenStable();
    };
    const runButton = () => el.querySelector('button[type=submit]') as HTMLButtonElement;
    return { fixture, el, select, runButton };
  }

  it('asks for a selection before running a per-customer report', async () => {
    const { runButton } = await render();
    expect(runButton().textContent?.trim()).toBe('Select customers');
    expect(runButton().disabled).toBe(true);
  });

  it('runs one record for one selected customer', async () => {
    const { select, runButton } = await render();
    await select('Globex');
    expect(runButton().textContent?.trim()).toBe('Run for Globex');
    runButton().click();
    expect(launch).toHaveBeenCalledWith(SALES, { parameters: { year: 2024, customer: 'Globex' } });
  });

  it('runs a scheduler over several selected customers, in grid order', async () => {
    const { select, runButton } = await render();
    await select('Stark');
    await select('Acme');
    await select('Initech');
    expect(runButton().textContent?.trim()).toBe('Run for 3 customers');
    runButton().click();
    expect(launch).toHaveBeenCalledWith(SALES, {
      rows: [
        { year: 2024, customer: 'Acme' },
        { year: 2024, customer: 'Initech' },
        { year: 2024, customer: 'Stark' },
      ],
    });
  });
});
