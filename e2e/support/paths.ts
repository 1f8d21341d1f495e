/** Where the built artefacts the e2e suite runs against live. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const WORKSPACE = resolve(__dirname, '../..');
export const BUILT_SERVER = join(WORKSPACE, 'dist/apps/server/main.js');
export const BUILT_MONITOR = join(WORKSPACE, 'dist/apps/monitor/browser/index.html');
export const ARTIFACTS = join(WORKSPACE, 'e2e/artifacts');
export const CHROMIUM = '/usr/bin/chromium';

/** True when Debian's Chromium is installed (`.ci/run` installs it; locally it may be missing). */
export const chromiumInstalled = (): boolean => existsSync(CHROMIUM);

/** On CI a missing browser is a failure, never a silent skip. */
export const onCi = (): boolean => !!process.env['CI'] && process.env['CI'] !== 'false';
