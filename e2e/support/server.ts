/**
 * The real built server (`node dist/apps/server/main.js`) as a child process on a free port, with a
 * fresh data folder: SQLite, the in-process queue and the demo users (alice, bob, admin).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BUILT_SERVER, WORKSPACE } from './paths';

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

export class OnwardServer {
  private output = '';
  private exited = false;
  private readonly exit: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly dataDir: string,
  ) {
    const keep = (chunk: Buffer) => {
      // Only the tail matters when start-up fails; keep memory bounded on long suites.
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exit = new Promise((resolveExit) =>
      child.once('exit', () => {
        this.exited = true;
        resolveExit();
      }),
    );
  }

  /** Starts the server and resolves once GET /health answers 200. */
  static async start(extraEnv: Record<string, string> = {}): Promise<OnwardServer> {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'onward-e2e-'));
    // Only what the server needs: no DATABASE_URL or REDIS_URL leaking in from the shell.
    const env = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      PORT: String(port),
      ONWARD_DATA_DIR: dataDir,
      ONWARD_LOG_LEVEL: 'warn',
      ...extraEnv,
    };
    const child = spawn(process.execPath, [BUILT_SERVER], { cwd: WORKSPACE, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new OnwardServer(child, `http://127.0.0.1:${port}`, dataDir);
    try {
      await server.waitHealthy();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** What the server printed (warnings and errors), for failure messages. */
  get log(): string {
    return this.output;
  }

  private async waitHealthy(withinMs = 60_000): Promise<void> {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`the server exited during start-up:\n${this.output}`);
      try {
        const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2_000) });
        if (res.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`GET /health did not answer 200 within ${withinMs} ms:\n${this.output}`);
  }

  /** Stops the process (SIGTERM, then SIGKILL after 10 s) and removes its data folder. */
  async stop(): Promise<void> {
    if (!this.exited) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exit;
      clearTimeout(timer);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
