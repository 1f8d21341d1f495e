// The V8 flags the server is deployed with, as the README's "Deploying" explains them (a young generation
// of 16 MiB a half; an early young collection for the buffers outside the heap that uploads, imports and
// exports allocate; an old generation that grows by 60 % at most between full collections). Used by
// tools/start-cluster.mjs, tools/start-jwt-demo.mjs and the benches' servers; `npm start` (package.json)
// and the README's deploy command spell out the same three.
export const SERVER_NODE_FLAGS = Object.freeze([
  '--max-semi-space-size=16',
  '--scavenger-max-new-space-capacity-mb=4',
  '--heap-growing-percent=60',
]);
