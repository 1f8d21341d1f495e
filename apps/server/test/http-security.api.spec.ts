/**
 * Security headers, caching of the monitor app, CORS for HTTP and Socket.IO (ONWARD_CORS_ORIGINS),
 * and what an unexpected error shows a client.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import request from 'supertest';

import { Api } from './support/api';
import { describeEachDatabase } from './support/databases';
import { useServer } from './support/server';

/** A stand-in for the built monitor: an index.html and one hashed file, as Angular's build names them. */
function monitorBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'onward-monitor-'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><title>Onward</title><script src="main-ABCD1234.js"></script>',
  );
  writeFileSync(join(dir, 'main-ABCD1234.js'), 'console.log("monitor")');
  writeFileSync(join(dir, 'favicon.ico'), '');
  return dir;
}

/** Connects a socket as a browser page of `origin` would; resolves with the outcome. */
function socketFrom(url: string, token: string, origin: string): Promise<'connected' | string> {
  const socket = io(`${url}/runs`, {
    auth: { token },
    transports: ['websocket'],
    extraHeaders: { Origin: origin },
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.disconnect();
      resolve('connected');
    });
    socket.once('connect_error', (error: Error) => {
      socket.disconnect();
      resolve(error.message);
    });
  });
}

function expectSecurityHeaders(res: request.Response): void {
  const csp = res.headers['content-security-policy'] as string;
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'self'");
  expect(csp).not.toContain('upgrade-insecure-requests');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
}

describeEachDatabase('HTTP security', (db) => {
  describe('by default (same origin only)', () => {
    const server = useServer(db, { ONWARD_MONITOR_DIR: monitorBuild() });

    it('sends the security headers on API answers, errors, the app and the API docs', async () => {
      const alice = await Api.as(server.url, 'alice');
      expectSecurityHeaders(await request(server.url).get('/api/tasks').set('Authorization', `Bearer ${alice.token}`));
      expectSecurityHeaders(await request(server.url).get('/api/tasks'));
      expectSecurityHeaders(await request(server.url).get('/health'));
      expectSecurityHeaders(await request(server.url).get('/').set('Accept', 'text/html'));
      expectSecurityHeaders(await request(server.url).get('/api/docs'));
    });

    it('never caches index.html (also behind deep links) and caches hashed files for good', async () => {
      const index = await request(server.url).get('/').set('Accept', 'text/html');
      expect(index.status).toBe(200);
      expect(index.headers['cache-control']).toBe('no-cache');
      const deepLink = await request(server.url).get('/customers').set('Accept', 'text/html');
      expect(deepLink.status).toBe(200);
      expect(deepLink.headers['cache-control']).toBe('no-cache');
      const hashed = await request(server.url).get('/main-ABCD1234.js');
      expect(hashed.status).toBe(200);
      expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect((await request(server.url).get('/favicon.ico')).headers['cache-control']).toBe('no-cache');
    });

    it('lets no other origin read an answer', async () => {
      const res = await request(server.url).get('/health').set('Origin', 'https://evil.example');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await request(server.url)
        .options('/api/runs')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'POST');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('refuses sockets from another origin, and takes those of its own and of scripts', async () => {
      const alice = await Api.as(server.url, 'alice');
      const token = alice.token as string;
      const host = new URL(server.url).host;
      expect(await socketFrom(server.url, token, 'https://evil.example')).not.toBe('connected');
      expect(await socketFrom(server.url, token, `http://${host}`)).toBe('connected');
    });
  });

  describe('with ONWARD_CORS_ORIGINS', () => {
    const server = useServer(db, { ONWARD_CORS_ORIGINS: 'https://erp.example.com' });

    it('answers a listed origin over HTTP, with the headers a client needs exposed', async () => {
      const preflight = await request(server.url)
        .options('/api/runs')
        .set('Origin', 'https://erp.example.com')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(preflight.status).toBeLessThan(300);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://erp.example.com');
      const alice = await Api.as(server.url, 'alice');
      const res = await request(server.url)
        .post('/api/runs')
        .set('Origin', 'https://erp.example.com')
        .set('Authorization', `Bearer ${alice.token}`)
        .send({ task: 'sales-report', parameters: { customer: 'Acme', year: 2025 } });
      expect(res.status).toBe(202);
      expect(res.headers['access-control-allow-origin']).toBe('https://erp.example.com');
      expect(res.headers['access-control-expose-headers']).toContain('Location');
      const other = await request(server.url).get('/health').set('Origin', 'https://evil.example');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('takes sockets of a listed origin only', async () => {
      const alice = await Api.as(server.url, 'alice');
      const token = alice.token as string;
      expect(await socketFrom(server.url, token, 'https://erp.example.com')).toBe('connected');
      expect(await socketFrom(server.url, token, 'https://evil.example')).not.toBe('connected');
    });
  });
});
