// The load-and-fault soak (apps/server/test/soak): `nx run server:soak`, 60 s by default;
// `npm run test:soak` runs it for 10 minutes (ONWARD_SOAK_SECONDS=600). Same transform as jest.config.cts.
const base = require('./jest.config.cts');

module.exports = {
  ...base,
  displayName: 'server-soak',
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['<rootDir>/test/soak/**/*.spec.ts'],
  coverageDirectory: '../../coverage/apps/server-soak',
};
