#!/usr/bin/env node
// The `millrace` command: TypeScript sources run through tsx, no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
