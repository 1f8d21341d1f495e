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

  it("signs in at the demo identity provider when the server trusts the host's tokens", async () => {
    const navigate = jest.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    const http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(LoginPage);
    fixture.componentRef.setInput('returnUrl', '/admin');
    http.expectOne('/api/auth/options').flush({ mode: 'jwt', demoUsers: [] });
    await Promise.resolve();
    http.expectOne('/demo-idp.json').flush({ url: 'http://127.0.0.1:3100' });
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('input[name=password]')?.closest('form')?.hidden).toBe(true);
    expect(el.textContent).toContain('http://127.0.0.1:3100');

    const input = el.querySelector('app-idp-sign-in input[name=username]') as HTMLInputElement;
    input.value = 'admin';
    input.dispatchEvent(new Event('input'));
    (el.querySelector('app-idp-sign-in button[type=submit]') as HTMLButtonElement).click();
    const token = http.expectOne('http://127.0.0.1:3100/token');
    expect(token.request.body).toEqual({ username: 'admin' });
    const exp = Math.floor(Date.now() / 1000) + 300;
    const jwt = `h.${btoa(JSON.stringify({ iat: exp - 300, exp })).replace(/=+$/, '')}.s`;
    token.flush({ access_token: jwt, token_type: 'Bearer', expires_in: 300 });
    let found = http.match('/api/auth/me');
    for (let i = 0; i < 10 && found.length === 0; i++) {
      await Promise.resolve();
      found = http.match('/api/auth/me');
    }
    const [me] = found;
    expect(me.request.headers.get('Authorization')).toBe(`Bearer ${jwt}`);
    me.flush({ id: 'demo|admin', username: 'admin', displayName: 'Admin', roles: ['user', 'admin'] });
    for (let i = 0; i < 10 && navigate.mock.calls.length === 0; i++) await Promise.resolve();
    expect(TestBed.inject(AuthStore).token()).toBe(jwt);
    expect(TestBed.inject(AuthStore).isAdmin()).toBe(true);
    expect(navigate).toHaveBeenCalledWith('/admin');
  });

  it('says sign-in happens in the host application when no demo identity provider is named', async () => {
    const http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(LoginPage);
    http.expectOne('/api/auth/options').flush({ mode: 'jwt', demoUsers: [] });
    await Promise.resolve();
    http.expectOne('/demo-idp.json').flush({ statusCode: 404 }, { status: 404, statusText: 'Not Found' });
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[role=status]')?.textContent).toContain("your application's sign-in");
    expect(el.querySelector('app-idp-sign-in input')).toBeNull();
  });
});
