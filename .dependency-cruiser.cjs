// The layer rule of DESIGN.md ("imports only go down or within a layer"), checked by dependency-cruiser in
// `npm run lint` and by test/unit/layers.test.ts (so `npm test` and CI fail when a file reaches up or sideways).
//
//   core                workflows/core/                       nothing of Millrace, no Node modules
//   step definitions    workflows/steps/*/definition.ts, shared/, definitions.ts, catalog.ts   core only
//   infra, db           server/infra/, db/                    core
//   step activities     workflows/steps/*/activity.ts, kit/   core, step definitions, infra, db
//   engine              workflows/engine/                     core, step definitions and activities
//   web side            server/(services|trpc|rest|cli|launcher|setup|auth|temporal), app/api/   not the engine, not activities
//   UI                  components/, app/ (pages)             core, step definitions, the tRPC router's *type*

const MILLRACE = '^(app|components|db|server|workflows)/';
const DEFINITIONS = '^workflows/steps/([^/]+/definition\\.ts|shared/|definitions\\.ts|catalog\\.ts)';
const ACTIVITIES = '^workflows/steps/([^/]+/activity\\.ts|kit/)';
const INFRA = '^(server/infra|db)/';
const WEB = '^(server/(services|trpc|rest|cli|launcher|setup|auth)/|server/temporal\\.ts|app/api/)';
const UI = '^(components/|app/(?!api/))';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-the-bottom',
      comment: 'workflows/core is isomorphic and imports nothing of Millrace above it, and no Node modules.',
      severity: 'error',
      from: { path: '^workflows/core/' },
      to: { path: MILLRACE, pathNot: '^workflows/core/' },
    },
    {
      name: 'isomorphic-no-node',
      comment: 'Core and step definitions are bundled into the browser: no Node built-ins.',
      severity: 'error',
      from: { path: `(^workflows/core/|${DEFINITIONS})` },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'definitions-import-core-only',
      comment: 'A step definition says what a step is; how it runs lives in its activity.',
      severity: 'error',
      from: { path: DEFINITIONS },
      to: { path: MILLRACE, pathNot: `(^workflows/core/|${DEFINITIONS})` },
    },
    {
      name: 'infra-and-db-import-core-only',
      severity: 'error',
      from: { path: INFRA },
      to: { path: MILLRACE, pathNot: `(^workflows/core/|${INFRA})` },
    },
    {
      name: 'activities-stay-below-engine-and-web',
      comment: 'Activities use core, definitions, infra and db; never the engine, the web side or the UI.',
      severity: 'error',
      from: { path: ACTIVITIES },
      to: { path: MILLRACE, pathNot: `(^workflows/core/|${DEFINITIONS}|${ACTIVITIES}|${INFRA})` },
    },
    {
      name: 'engine-knows-plans-and-activities',
      comment: 'The engine uses core, step definitions and activities: no ML, no SQL, no web.',
      severity: 'error',
      from: { path: '^workflows/engine/', pathNot: '^workflows/engine/worker\\.ts$' },
      to: { path: MILLRACE, pathNot: `(^workflows/(core|engine)/|${DEFINITIONS}|${ACTIVITIES})` },
    },
    {
      name: 'engine-worker-entry',
      comment:
        'The worker process entry may also close the db pool it shares with the activities, and runs the run ' +
        'dispatcher and reconciler loops (server/infra/run-dispatch.ts) because it is the supervised process every ' +
        'deployment has, and drains the webhook outbox (server/infra/webhook-delivery.ts) and the dataset-trigger outbox ' +
        '(server/infra/dataset-triggers.ts), and connects to Temporal with the TLS settings every process shares ' +
        '(server/infra/temporal-connection.ts): no other module of the engine may reach infra.',
      severity: 'error',
      from: { path: '^workflows/engine/worker\\.ts$' },
      to: { path: MILLRACE, pathNot: `(^workflows/(core|engine)/|${DEFINITIONS}|${ACTIVITIES}|^db/client\\.ts$|^server/infra/(run-dispatch|webhook-delivery|dataset-triggers|temporal-connection)\\.ts$)` },
    },
    {
      name: 'web-never-reaches-engine-or-activities',
      comment: 'Services, tRPC, REST and CLI sit beside the engine: they start workflows by name through the Temporal client.',
      severity: 'error',
      from: { path: WEB },
      to: { path: `(^workflows/engine/|${ACTIVITIES}|^components/|^app/(?!api/))` },
    },
    {
      name: 'ui-uses-core-definitions-and-trpc-types',
      comment: 'The UI imports core, step definitions and the tRPC client; of the server only the router type.',
      severity: 'error',
      from: { path: UI },
      to: {
        path: '^(server|db|workflows/engine|workflows/steps/kit)/|^workflows/steps/[^/]+/activity\\.ts',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'ui-types-only-from-trpc-router',
      severity: 'error',
      from: { path: UI },
      to: { path: '^(server|db)/', pathNot: '^server/trpc/router\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.next|\\.millrace)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
  },
};
