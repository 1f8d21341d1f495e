/**
 * The built server (`node dist/apps/server/main.js`) as a real child process, for what only a real
 * process shows: being killed and started again.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import request from 'supertest';

export const WORKSPACE = resolve(__dirname, '../../../..');
export const BUILT_MAIN = join(WORKSPACE, 'dist/apps/server/main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestMtime(path) : stat.mtimeMs);
  }
  return newest;
}

/** Builds the server once when dist/apps/server/main.js is missing or older than its sources. */
export function ensureBuiltServer(): void {
  const sources = [join(WORKSPACE, 'apps/server/src'), join(WORKSPACE, 'libs/task-domain/src')];
  const stale = !existsSync(BUILT_MAIN) || statSync(BUILT_MAIN).mtimeMs < Math.max(...sources.map(newestMtime));
  if (!stale) return;
  execFileSync('npx', ['nx', 'build', 'server', '--skip-nx-cache'], {
    cwd: WORKSPACE,
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
    stdio: 'pipe',
    timeout: 300_000,
  });
  if (!existsSync(BUILT_MAIN)) throw new Error(`nx build server did not produce ${BUILT_MAIN}`);
  // Webpack leaves an unchanged bundle unwritten (a source edit that changes no output, a new spec
  // file): marked as built now, or every later run would build again.
  const builtAt = new Date();
  utimesSync(BUILT_MAIN, builtAt, builtAt);
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export class ServerProcess {
  private output = '';
  private exited: Promise<number | null>;
  private hasExited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolveExit) =>
      child.once('exit', (code) => {
        this.hasExited = true;
        resolveExit(code);
      }),
    );
  }

  /**
   * Starts `node dist/apps/server/main.js` with exactly `env` (plus PATH and a free PORT) and waits for
   * /health; with `waitHealthy: false` (a worker, which serves no HTTP) it only starts it.
   */
  static async start(env: Record<string, string>, options: { waitHealthy?: boolean } = {}): Promise<ServerProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [BUILT_MAIN], {
      cwd: WORKSPACE,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', PORT: String(port), ...tuningEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(child, `http://127.0.0.1:${port}`);
    if (options.waitHealthy !== false) await server.waitHealthy();
    return server;
  }

  get log(): string {
    return this.output;
  }

  /** The log's lines as objects (`ONWARD_LOG_FORMAT=json`): a line that is not JSON throws. */
  get logEntries(): Record<string, unknown>[] {
    return this.output
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  private async waitHealthy(withinMs = 60_000): Promise<void> {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      if (this.hasExited) throw new Error(`the server process exited during start-up:\n${this.output}`);
      try {
        const res = await request(this.url).get('/health').timeout(2_000);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    this.child.kill('SIGKILL');
    throw new Error(`/health did not answer 200 within ${withinMs} ms:\n${this.output}`);
  }

  /** Kills the process without giving it a chance to clean up. */
  async kill(): Promise<void> {
    if (!this.hasExited) this.child.kill('SIGKILL');
    await this.exited;
  }

  /**
   * Asks the process to stop (SIGTERM) and kills it if it has not exited within `withinMs`; tells
   * whether it exited by itself.
   */
  async stop(withinMs = 15_000): Promise<{ exitedBySelf: boolean }> {
    if (this.hasExited) return { exitedBySelf: true };
    let killed = false;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      killed = true;
      this.child.kill('SIGKILL');
    }, withinMs);
    await this.exited;
    clearTimeout(timer);
    return { exitedBySelf: !killed };
  }
}

/**
 * The suite's ONWARD_TUNING, passed on to the servers it starts, so that a suite can be run with the
 * speed-ups on private internals off (`ONWARD_TUNING=off npx jest …`) as well as on (the default).
 */
export function tuningEnv(): Record<string, string> {
  const tuning = process.env['ONWARD_TUNING'];
  return tuning ? { ONWARD_TUNING: tuning } : {};
}

/**
 * Starts the built server with `env` expecting it to refuse to start: resolves with its exit code
 * and output once it exits (or with code null if it is still running after `withinMs`).
 */
export async function startExpectingExit(
  env: Record<string, string>,
  withinMs = 30_000,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [BUILT_MAIN], {
    cwd: WORKSPACE,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', PORT: String(await freePort()), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolveExit({ code: null, output });
    }, withinMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveExit({ code, output });
    });
  });
}
