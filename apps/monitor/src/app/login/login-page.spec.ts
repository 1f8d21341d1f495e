import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';

import { AuthStore } from '../auth/auth-store';
import { LoginPage } from './login-page';

describe('LoginPage', () => {
  beforeEach(() => {
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), provideRouter([])],
    });
  });

  async function fillAndSubmit(username: string, password: string) {
    const fixture = TestBed.createComponent(LoginPage);
    fixture.componentRef.setInput('returnUrl', '/admin');
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const type = (name: string, value: string) => {
      const input = el.querySelector(`input[name=${name}]`) as HTMLInputElement;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    type('username', username);
    type('password', password);
    (el.querySelector('button[type=submit]') as HTMLButtonElement).click();
    return { fixture, el };
  }

  it('signs in, keeps the token in sessionStorage and goes where the user wanted', async () => {
    const navigate = jest.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    await fillAndSubmit('alice', 'alice');
    const req = TestBed.inject(HttpTestingController).expectOne('/api/auth/login');
    expect(req.request.body).toEqual({ username: 'alice', password: 'alice' });
    req.flush({ accessToken: 'jwt', user: { id: '1', username: 'alice', displayName: 'Alice', roles: ['user'] } });
    for (let i = 0; i < 10 && navigate.mock.calls.length === 0; i++) await Promise.resolve();
    expect(sessionStorage.getItem('onward.token')).toBe('jwt');
    expect(TestBed.inject(AuthStore).token()).toBe('jwt');
    expect(navigate).toHaveBeenCalledWith('/admin');
  });

  async function pageWithOptions(demoUsers: string[]) {
    const fixture = TestBed.createComponent(LoginPage);
    TestBed.inject(HttpTestingController).expectOne('/api/auth/options').flush({ mode: 'local', demoUsers });
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('shows the demo hint for the accounts the server lists, and only those', async () => {
    const el = await pageWithOptions(['bob', 'admin']);
    expect(el.querySelector('.hint')?.textContent?.trim()).toBe('Demo users: bob / bob, admin / admin');
    expect(el.textContent).not.toContain('alice');
  });

  it('shows no demo hint when no demo account opens with its known password', async () => {
    const el = await pageWithOptions([]);
    expect(el.querySelector('.hint')).toBeNull();
    expect(el.textContent).not.toContain('Demo users');
  });

  it('shows no demo hint when the options cannot be read', async () => {
    const fixture = TestBed.createComponent(LoginPage);
    TestBed.inject(HttpTestingController)
      .expectOne('/api/auth/options')
      .flush({ statusCode: 500, error: 'Internal Server Error', message: 'x' }, { status: 500, statusText: 'Error' });
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).querySelector('.hint')).toBeNull();
    expect((fixture.nativeElement as HTMLElement).querySelector('input[name=username]')).not.toBeNull();
  });

  it('says so when the credentials are wrong', async () => {
    const { fixture, el } = await fillAndSubmit('alice', 'nope');
    TestBed.inject(HttpTestingController)
      .expectOne('/api/auth/login')
      .flush(
        { statusCode: 401, error: 'Unauthorized', message: 'Wrong credentials' },
        { status: 401, statusText: 'Unauthorized' },
      );
    await fixture.whenStable();
    expect(el.querySelector('[role=alert]')?.textContent).toContain('Wrong user name or password');
    expect(sessionStorage.getItem('onward.token')).toBeNull();
  });
});
