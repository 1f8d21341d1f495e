/**
 * The packed widget in an Angular app of its own: packs dist/libs/task-domain and dist/libs/ui with
 * npm, copies e2e/fixtures/host to a temporary folder outside the workspace (so nothing can resolve
 * from the monorepo's node_modules or tsconfig paths), installs the tarballs there beside the
 * workspace's versions of Angular (npm's local cache serves them where it has them) and builds it with
 * the Angular CLI. Install and build are kept per hash of the tarballs and the fixture, so a second
 * run only packs.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';

import { WORKSPACE } from './paths';

const FIXTURE = join(WORKSPACE, 'e2e/fixtures/host');
const PACKAGES = ['task-domain', 'ui'].map((name) => join(WORKSPACE, 'dist/libs', name));
const CACHE_PREFIX = 'onward-host-';

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NG_CLI_ANALYTICS: 'false', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
}

/** The tarballs `npm pack` makes of the built libraries (building them first when dist lacks them). */
function pack(into: string): string[] {
  if (PACKAGES.some((dir) => !existsSync(join(dir, 'package.json')))) {
    run('npx', ['nx', 'build', 'ui', '--outputStyle=static'], WORKSPACE);
  }
  return PACKAGES.map((dir) => {
    const [packed] = JSON.parse(run('npm', ['pack', dir, '--pack-destination', into, '--json'], WORKSPACE)) as {
      filename: string;
    }[];
    return join(into, packed.filename.replace(/^@/, '').replace(/\//, '-'));
  });
}

/** The fixture's package.json with the workspace's exact versions and the tarballs as dependencies. */
function hostManifest(tarballs: string[]): string {
  const fixture = JSON.parse(readFileSync(join(FIXTURE, 'package.json'), 'utf8'));
  const workspace = JSON.parse(readFileSync(join(WORKSPACE, 'package.json'), 'utf8'));
  const versions: Record<string, string> = { ...workspace.dependencies, ...workspace.devDependencies };
  const pin = (deps: Record<string, string>) =>
    Object.fromEntries(Object.keys(deps).map((name) => [name, versions[name] ?? deps[name]]));
  const local = Object.fromEntries(
    tarballs.map((file) => {
      const name = JSON.parse(run('tar', ['-xzOf', file, 'package/package.json'], WORKSPACE)).name as string;
      return [name, `file:vendor/${file.split('/').pop()}`];
    }),
  );
  return JSON.stringify(
    {
      ...fixture,
      dependencies: { ...pin(fixture.dependencies), ...local },
      devDependencies: pin(fixture.devDependencies),
      overrides: workspace.overrides?.['sass-embedded']
        ? { 'sass-embedded': workspace.overrides['sass-embedded'] }
        : {},
    },
    null,
    2,
  );
}

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? fixtureFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** Packs, installs and builds the host (or takes the kept build); returns the folder of its built files. */
export function buildPackagedHost(): string {
  const packDir = mkdtempSync(join(tmpdir(), 'onward-pack-'));
  try {
    const tarballs = pack(packDir);
    const manifest = hostManifest(tarballs);
    const hash = createHash('sha256');
    for (const file of [...tarballs, ...fixtureFiles(FIXTURE)]) hash.update(readFileSync(file));
    hash.update(manifest);
    const hostDir = join(tmpdir(), CACHE_PREFIX + hash.digest('hex').slice(0, 16));
    const built = join(hostDir, 'dist/browser');
    if (existsSync(join(built, 'index.html'))) return built;

    // Only the current build is kept.
    for (const old of readdirSync(tmpdir()).filter((name) => name.startsWith(CACHE_PREFIX))) {
      rmSync(join(tmpdir(), old), { recursive: true, force: true });
    }
    cpSync(FIXTURE, hostDir, { recursive: true });
    cpSync(packDir, join(hostDir, 'vendor'), { recursive: true });
    writeFileSync(join(hostDir, 'package.json'), manifest);
    run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
      hostDir,
    );
    run(process.execPath, [join(hostDir, 'node_modules/@angular/cli/bin/ng.js'), 'build'], hostDir);
    if (!existsSync(join(built, 'index.html'))) throw new Error(`the host build did not produce ${built}`);
    return built;
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ico': 'image/x-icon',
  '.svg': 'image/svg+xml',
};

/** Serves a built app on a free port of its own (another origin than the Onward server); unknown paths get index.html. */
export async function serveStatic(root: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    let file = join(root, path);
    if (!file.startsWith(root) || !existsSync(file) || !extname(file)) file = join(root, 'index.html');
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
