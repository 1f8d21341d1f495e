import { HttpClient, HttpHeaders } from '@angular/common/http';
import { DestroyRef, inject, Injectable } from '@angular/core';
import type { MonitorUser } from '@onward/ui';
import { firstValueFrom } from 'rxjs';

import { AuthStore } from './auth-store';

const SESSION_KEY = 'onward.idp';
/** A token is renewed when this share of its lifetime has passed. */
const RENEW_AT = 0.75;
/** Wait before trying again when the identity provider did not answer. */
const RETRY_MS = 5_000;

interface IdpSession {
  url: string;
  username: string;
}

interface TokenAnswer {
  access_token: string;
}

/** `iat` and `exp` of a JWT (read, not verified: the server verifies it). */
function lifetime(token: string): { iat: number; exp: number } | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as {
      iat?: unknown;
      exp?: unknown;
    };
    if (typeof payload.exp !== 'number') return null;
    return { iat: typeof payload.iat === 'number' ? payload.iat : Date.now() / 1000, exp: payload.exp };
  } catch {
    return null;
  }
}

function readSession(): IdpSession | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as IdpSession) : null;
  } catch {
    return null;
  }
}

/**
 * Signing in at the demo identity provider (`tools/demo-idp.mjs`) when the server trusts the host's
 * tokens (ONWARD_AUTH=jwt), and renewing the token there before it expires, as a host application
 * does with its own sign-in. The provider's address is a runtime setting the server hands out
 * (`/demo-idp.json`, from ONWARD_DEMO_IDP_URL), as it must allow that origin in its CSP anyway.
 */
@Injectable({ providedIn: 'root' })
export class DemoIdp {
  private readonly http = inject(HttpClient);
  private readonly auth = inject(AuthStore);
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    // A reload or a pop-out window carries on renewing the session it found.
    const session = readSession();
    const token = this.auth.token();
    if (session && token) this.renewLater(session, token);
    inject(DestroyRef).onDestroy(() => clearTimeout(this.timer));
  }

  /** The demo identity provider's address, or null when the server names none. */
  async url(): Promise<string | null> {
    try {
      const answer = await firstValueFrom(this.http.get<{ url?: unknown }>('/demo-idp.json'));
      return typeof answer.url === 'string' ? answer.url : null;
    } catch {
      return null;
    }
  }

  /** Gets a token for `username` from the provider at `url` and signs in with it. */
  async signIn(url: string, username: string): Promise<void> {
    const session = { url, username };
    const token = await this.fetchToken(session);
    const user = await firstValueFrom(
      this.http.get<MonitorUser>('/api/auth/me', { headers: new HttpHeaders({ Authorization: `Bearer ${token}` }) }),
    );
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    this.auth.setSession(token, user);
    this.renewLater(session, token);
  }

  private async fetchToken(session: IdpSession): Promise<string> {
    const answer = await firstValueFrom(
      this.http.post<TokenAnswer>(`${session.url}/token`, { username: session.username }),
    );
    return answer.access_token;
  }

  private renewLater(session: IdpSession, token: string): void {
    clearTimeout(this.timer);
    const span = lifetime(token);
    if (!span) return;
    const at = (span.iat + (span.exp - span.iat) * RENEW_AT) * 1000;
    this.timer = setTimeout(() => void this.renew(session, span.exp), Math.max(1_000, at - Date.now()));
  }

  private async renew(session: IdpSession, exp: number): Promise<void> {
    // Signed out meanwhile (or signed in some other way): nothing to renew.
    if (!this.auth.token() || readSession()?.username !== session.username) return;
    try {
      const token = await this.fetchToken(session);
      if (!this.auth.token()) return;
      this.auth.replaceToken(token);
      this.renewLater(session, token);
    } catch {
      if (Date.now() < exp * 1000) this.timer = setTimeout(() => void this.renew(session, exp), RETRY_MS);
    }
  }
}
