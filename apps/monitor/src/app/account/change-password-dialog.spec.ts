import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MatDialogRef } from '@angular/material/dialog';

import { AuthStore } from '../auth/auth-store';
import { flushFieldError } from '../testing/http-errors';
import { ChangePasswordDialog } from './change-password-dialog';

describe('ChangePasswordDialog', () => {
  const dialogRef = { close: jest.fn() };

  beforeEach(() => {
    jest.clearAllMocks();
    sessionStorage.clear();
    sessionStorage.setItem('onward.token', 'old-token');
    sessionStorage.setItem(
      'onward.user',
      JSON.stringify({ id: '1', username: 'alice', displayName: 'Alice', roles: ['user'] }),
    );
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
        { provide: MatDialogRef, useValue: dialogRef },
      ],
    });
  });

  async function fillAndSubmit(current: string, next: string, again = next) {
    const fixture = TestBed.createComponent(ChangePasswordDialog);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const type = (name: string, value: string) => {
      const input = el.querySelector(`input[name=${name}]`) as HTMLInputElement;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    type('currentPassword', current);
    type('newPassword', next);
    type('confirmation', again);
    (el.querySelector('button[type=submit]') as HTMLButtonElement).click();
    await fixture.whenStable();
    return { fixture, el };
  }

  const settle = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };

  it('changes the password and closes; the session goes on with its token', async () => {
    const http = TestBed.inject(HttpTestingController);
    await fillAndSubmit('alice', 'a-new-password');
    const change = http.expectOne('/api/auth/password');
    expect(change.request.method).toBe('POST');
    expect(change.request.headers.get('Authorization')).toBe('Bearer old-token');
    expect(change.request.body).toEqual({ currentPassword: 'alice', newPassword: 'a-new-password' });
    change.flush(null, { status: 204, statusText: 'No Content' });
    await settle();
    expect(dialogRef.close).toHaveBeenCalledWith(true);
    expect(TestBed.inject(AuthStore).token()).toBe('old-token');
    http.verify();
  });

  it('says so when the current password is wrong, and stays open', async () => {
    const { fixture, el } = await fillAndSubmit('wrong', 'a-new-password');
    flushFieldError(
      TestBed.inject(HttpTestingController).expectOne('/api/auth/password'),
      'currentPassword',
      'currentPassword is not the current password',
      'The current password is wrong',
    );
    await settle();
    await fixture.whenStable();
    expect(el.textContent).toContain('This is not your current password.');
    expect(dialogRef.close).not.toHaveBeenCalled();
    expect(TestBed.inject(AuthStore).token()).toBe('old-token');
  });

  it('checks the new password before asking the server', async () => {
    const { el } = await fillAndSubmit('alice', 'short');
    expect(el.textContent).toContain('Use at least 8 characters.');
    const again = await fillAndSubmit('alice', 'a-new-password', 'another-password');
    expect(again.el.textContent).toContain('The two new passwords differ.');
    TestBed.inject(HttpTestingController).expectNone('/api/auth/password');
    expect(dialogRef.close).not.toHaveBeenCalled();
  });
});
