/**
 * Imported first by main.ts: on an older Node.js, better-sqlite3's Node-API binary crashes the
 * process (a segmentation fault, no message) as soon as the database opens. Say why instead.
 */
const REQUIRED_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_MAJOR) {
  console.error(
    `Onward needs Node.js ${REQUIRED_MAJOR}; this is ${process.version}. ` +
      'Start it through npm (npm start), or with node_modules/.bin/node, the Node.js that npm ci installed.',
  );
  process.exit(1);
}
