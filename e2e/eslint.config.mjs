import baseConfig from '../eslint.config.mjs';

export default [
  ...baseConfig,
  // The host fixture stands for an app outside this monorepo: it imports the packed @onward/ui, not the project.
  { ignores: ['fixtures/**'] },
];
