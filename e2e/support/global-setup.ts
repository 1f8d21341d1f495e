/**
 * Runs once before the suites: checks for the browser and builds server and monitor if their
 * output is missing (`nx test e2e` builds them first through dependsOn; a bare `jest` may not).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';

import { ARTIFACTS, BUILT_MONITOR, BUILT_SERVER, CHROMIUM, WORKSPACE, chromiumInstalled, onCi } from './paths';

export default function globalSetup(): void {
  if (!chromiumInstalled()) {
    if (onCi())
      throw new Error(`${CHROMIUM} is missing: install it (apt-get install -y chromium) to run the e2e suite`);
    console.warn(`\n[e2e] ${CHROMIUM} is missing: the browser tests are skipped (they fail under CI=true).`);
    return;
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  if (existsSync(BUILT_SERVER) && existsSync(BUILT_MONITOR)) return;
  console.log('\n[e2e] building server and monitor once (dist is missing)…');
  execFileSync('npx', ['nx', 'run-many', '-t', 'build', '-p', 'server', 'monitor'], {
    cwd: WORKSPACE,
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
    stdio: 'inherit',
    timeout: 600_000,
  });
  for (const file of [BUILT_SERVER, BUILT_MONITOR]) {
    if (!existsSync(file)) throw new Error(`the build did not produce ${file}`);
  }
}
