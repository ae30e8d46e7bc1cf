#!/usr/bin/env node
// The package runs from its TypeScript sources: tsx compiles on load, so there is no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
