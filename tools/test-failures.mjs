#!/usr/bin/env node
// Prints the failed tests that the last `npm test` recorded, from each project's jest JSON results
// (`test-results.json`, written by the `--json --outputFile` of nx.json's test defaults).
// `.ci/run` calls it when `npm test` fails: CI keeps only the tail of the output, and Nx prints a
// task's output whole when the task ends, so a failure early in a long suite is otherwise cut off.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const projects = ['apps/server', 'apps/monitor', 'libs/ui', 'libs/task-domain', 'e2e'];
const MESSAGE_LINES = 25;
const plain = (text) => text.replace(/\u001b\[[0-9;]*m/g, '');

let failures = 0;
for (const project of projects) {
  const file = join(root, project, 'test-results.json');
  if (!existsSync(file)) continue;
  const results = JSON.parse(readFileSync(file, 'utf8'));
  const when = statSync(file).mtime.toISOString();
  const failed = results.testResults.filter((suite) => suite.status !== 'passed');
  if (failed.length === 0) continue;
  console.log(
    `\n== ${project}: ${results.numFailedTests} failed test(s) in ${failed.length} file(s) (results of ${when})`,
  );
  for (const suite of failed) {
    const path = relative(root, suite.name);
    const tests = suite.assertionResults.filter((test) => test.status === 'failed');
    if (tests.length === 0) {
      failures++;
      console.log(`\n✕ ${path} did not run:`);
      console.log(plain(suite.message).split('\n').slice(0, MESSAGE_LINES).join('\n'));
    }
    for (const test of tests) {
      failures++;
      console.log(`\n✕ ${path} › ${test.fullName}`);
      const message = plain(test.failureMessages.join('\n'))
        .split('\n')
        .filter((line) => !/^\s+at .*node_modules/.test(line));
      console.log(message.slice(0, MESSAGE_LINES).join('\n'));
    }
  }
}
if (failures === 0)
  console.log('No failed test recorded in test-results.json (the failure is elsewhere: lint, build, prettier).');
