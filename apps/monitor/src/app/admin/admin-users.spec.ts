import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';

import type { AccountView } from '../auth/accounts-api';
import { flushFieldError } from '../testing/http-errors';
import { AdminUsers } from './admin-users';

const account = (id: string, username: string, extra: Partial<AccountView> = {}): AccountView => ({
  id,
  username,
  displayName: username.toUpperCase(),
  roles: ['user'],
  disabled: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

describe('AdminUsers', () => {
  beforeEach(() => {
    sessionStorage.clear();
    sessionStorage.setItem('onward.token', 'admin-token');
    sessionStorage.setItem(
      'onward.user',
      JSON.stringify({ id: 'a', username: 'admin', displayName: 'Admin', roles: ['user', 'admin'] }),
    );
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
  });

  const settle = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };

  async function open(users: AccountView[], mode: 'local' | 'jwt' = 'local') {
    const fixture = TestBed.createComponent(AdminUsers);
    const http = TestBed.inject(HttpTestingController);
    const list = http.expectOne('/api/admin/users');
    expect(list.request.headers.get('Authorization')).toBe('Bearer admin-token');
    list.flush(users);
    http.expectOne('/api/auth/options').flush({ mode, demoUsers: [] });
    await settle();
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const rows = () =>
      [...el.querySelectorAll('tbody tr')].map((tr) =>
        [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? ''),
      );
    return { fixture, el, http, rows };
  }

  it('lists the users with their roles and status; no disable button for oneself', async () => {
    const { rows } = await open([
      account('a', 'admin', { roles: ['user', 'admin'] }),
      account('b', 'bob', { disabled: true }),
      account('c', 'carol'),
    ]);
    expect(rows().map((r) => [r[0], r[2], r[4], r[5]])).toEqual([
      ['admin', 'Admin', 'Active', ''],
      ['bob', 'User', 'Disabled', 'Enable'],
      ['carol', 'User', 'Active', 'Disable'],
    ]);
  });

  it('creates a user and shows them in the list', async () => {
    const { fixture, el, http, rows } = await open([account('a', 'admin', { roles: ['user', 'admin'] })]);
    const type = (name: string, value: string) => {
      const input = el.querySelector(`input[name=${name}]`) as HTMLInputElement;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    type('username', 'dave');
    type('displayName', 'Dave Davis');
    type('password', 'a-good-password');
    (el.querySelector('input[type=checkbox]') as HTMLInputElement).click();
    (el.querySelector('button[type=submit]') as HTMLButtonElement).click();
    await fixture.whenStable();
    const create = http.expectOne((r) => r.method === 'POST' && r.url === '/api/admin/users');
    expect(create.request.body).toEqual({
      username: 'dave',
      displayName: 'Dave Davis',
      password: 'a-good-password',
      roles: ['user', 'admin'],
    });
    create.flush(account('d', 'dave', { displayName: 'Dave Davis', roles: ['user', 'admin'] }));
    await settle();
    await fixture.whenStable();
    expect(rows().map((r) => [r[0], r[1], r[2]])).toEqual([
      ['admin', 'ADMIN', 'Admin'],
      ['dave', 'Dave Davis', 'Admin'],
    ]);
  });

  it('shows the field the server names when a new user is refused', async () => {
    const { fixture, el, http } = await open([]);
    (el.querySelector('button[type=submit]') as HTMLButtonElement).click();
    await fixture.whenStable();
    flushFieldError(
      http.expectOne((r) => r.method === 'POST'),
      'password',
      'password must be longer than or equal to 8 characters',
      'x',
    );
    await settle();
    await fixture.whenStable();
    expect(el.textContent).toContain('password must be longer than or equal to 8 characters');
  });

  it('disables and enables a user, and shows why the server refuses', async () => {
    const { fixture, el, http, rows } = await open([account('c', 'carol')]);
    const button = () => el.querySelector('td.actions button') as HTMLButtonElement;
    button().click();
    const disable = http.expectOne('/api/admin/users/c');
    expect(disable.request.method).toBe('PATCH');
    expect(disable.request.body).toEqual({ disabled: true });
    disable.flush(account('c', 'carol', { disabled: true }));
    await settle();
    await fixture.whenStable();
    expect(rows()[0][4]).toBe('Disabled');

    button().click();
    http
      .expectOne('/api/admin/users/c')
      .flush(
        { statusCode: 409, error: 'Conflict', message: 'This is the last enabled admin' },
        { status: 409, statusText: 'Conflict' },
      );
    await settle();
    await fixture.whenStable();
    expect(el.querySelector('[role=alert]')?.textContent).toContain('This is the last enabled admin');
    expect(rows()[0][4]).toBe('Disabled');
  });

  it('only lists the users with the host application’s identity', async () => {
    const { el } = await open([account('c', 'carol')], 'jwt');
    expect(el.querySelector('form')).toBeNull();
    expect(el.querySelector('td.actions button')).toBeNull();
  });
});
