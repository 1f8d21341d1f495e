export * from './lib/admin-stats';
export * from './lib/errors';
export * from './lib/events';
export * from './lib/parameter-validation';
export * from './lib/run';
export * from './lib/run-status';
export * from './lib/scheduler-progress';
export * from './lib/task-definition';
