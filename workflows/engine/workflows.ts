// Every workflow the Node worker runs, bundled from this one file (workflows/engine/worker.ts).
export * from './pipeline';
export * from './triggers';
