/**
 * The host application's identity (ONWARD_AUTH=jwt) with the demo identity provider
 * (tools/demo-idp.mjs) handing out tokens that live 10 seconds: a user signs in there, starts a run,
 * the server closes the socket when its first token expires, and the monitor connects again with the
 * token it renewed meanwhile and goes on receiving the run's updates until it completes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import type { Page, WebSocket } from 'playwright-core';

import { describeE2e, shot, until, untilText, useOnward } from '../support/browser';
import { chooseTask, entry, openPanel, recorded, runList, startRecording, untilStatus } from '../support/monitor';
import { WORKSPACE } from '../support/paths';

const TOKEN_SECONDS = 10;

/** Starts tools/demo-idp.mjs on a free loopback port; resolves with its address. */
function startIdp(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(WORKSPACE, 'tools/demo-idp.mjs')], {
    cwd: WORKSPACE,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      DEMO_IDP_PORT: '0',
      DEMO_IDP_TOKEN_SECONDS: String(TOKEN_SECONDS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1] });
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the demo identity provider exited (${code}):\n${output}`)));
  });
}

/** The token of each Socket.IO handshake to the runs namespace, whether sent by polling or WebSocket. */
function recordHandshakes(page: Page): { tokens: string[]; sockets: { opened: number; closed: number }[] } {
  const tokens: string[] = [];
  const sockets: { opened: number; closed: number }[] = [];
  const handshake = (payload: string): void => {
    const match = /40\/runs,(\{.*?\})/.exec(payload);
    const token = match ? (JSON.parse(match[1]) as { token?: unknown }).token : undefined;
    if (typeof token === 'string') tokens.push(token);
  };
  page.on('request', (request) => {
    if (request.url().includes('/socket.io/') && request.method() === 'POST') handshake(request.postData() ?? '');
  });
  page.on('websocket', (ws: WebSocket) => {
    if (!ws.url().includes('/socket.io/')) return;
    const socket = { opened: Date.now(), closed: 0 };
    sockets.push(socket);
    ws.on('framesent', ({ payload }) => handshake(typeof payload === 'string' ? payload : payload.toString()));
    ws.on('close', () => (socket.closed = Date.now()));
  });
  return { tokens, sockets };
}

describeE2e('the host application identity (ONWARD_AUTH=jwt)', () => {
  let idp: ChildProcess | undefined;
  // Filled in before useOnward's beforeAll starts the server with it.
  const serverEnv: Record<string, string> = {};
  beforeAll(async () => {
    const started = await startIdp();
    idp = started.child;
    Object.assign(serverEnv, {
      ONWARD_AUTH: 'jwt',
      ONWARD_JWT_JWKS_URL: `${started.url}/.well-known/jwks.json`,
      ONWARD_JWT_ISSUER: started.url,
      ONWARD_JWT_AUDIENCE: 'onward',
      ONWARD_DEMO_IDP_URL: started.url,
    });
  }, 30_000);
  const onward = useOnward(serverEnv);
  afterAll(async () => {
    const child = idp;
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  });

  it('signs in at the identity provider and keeps receiving updates after the socket is closed at token expiry', async () => {
    const { page } = onward;
    const seen = recordHandshakes(page);
    await page.goto(`${onward.server.url}/login`);
    await untilText(page.locator('main'), /demo identity provider/, 'the identity provider sign-in');
    await page.getByRole('textbox', { name: 'User name' }).fill('ann');
    await shot(page, '60-jwt-sign-in');
    const signedInAt = Date.now();
    await page.getByRole('button', { name: 'Sign in at the identity provider' }).click();
    await page.getByRole('heading', { name: 'Customers' }).waitFor();

    // A run that lasts well past the first token's expiry, in the background.
    await chooseTask(page, 'Recalculate prices');
    await page.getByRole('combobox', { name: 'Category' }).click();
    await page.getByRole('option', { name: 'Services' }).click();
    await page.getByLabel('Duration (seconds)').fill(String(TOKEN_SECONDS * 3));
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /Recalculate prices/ });
    await dialog.getByRole('button', { name: 'Run in background' }).click();
    await dialog.waitFor({ state: 'detached' });
    const panel = await openPanel(page);
    const item = entry(runList(panel), 'Recalculate prices · Services');
    await startRecording(page, 'recalc', 'Recalculate prices · Services,');
    await untilText(item, /Chunk \d+ of \d+/, 'the entry to show the chunk progress');

    // The first socket is closed by the server at the first token's expiry; a second one opens.
    const closed = await until(
      () => seen.sockets.find((s) => s.closed > 0),
      'the server to close the first socket',
      TOKEN_SECONDS * 3_000,
    );
    expect(closed.closed - signedInAt).toBeGreaterThanOrEqual(TOKEN_SECONDS * 1_000 - 2_000);
    await until(() => seen.sockets.find((s) => s.opened >= closed.closed), 'the monitor to open a new socket');
    // It connected with another (renewed) token than the first handshake's.
    expect(seen.tokens.length).toBeGreaterThanOrEqual(2);
    expect(seen.tokens.at(-1)).not.toBe(seen.tokens[0]);

    // Updates keep coming over the new socket (and the next ones: the renewed token expires too):
    // several chunks after the reconnect, then completion.
    const before = (await recorded(page, 'recalc')).length;
    await untilStatus(item, 'Completed', TOKEN_SECONDS * 4_000);
    const after = (await recorded(page, 'recalc')).slice(before);
    const chunks = new Set(after.map((s) => /Chunk (\d+) of/.exec(s.text)?.[1]).filter(Boolean));
    expect(chunks.size).toBeGreaterThanOrEqual(2);
    await shot(panel, '61-jwt-after-reconnect');
  });
});
