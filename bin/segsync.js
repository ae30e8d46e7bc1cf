#!/usr/bin/env node
// In a checkout the CLI runs from its TypeScript sources (tsx compiles on load, no build step);
// an installed package has no sources, only the build in dist/ (npm run build, run by prepack).
import { existsSync } from 'node:fs';

const fromSources = existsSync(new URL('../cli/main.ts', import.meta.url));
if (fromSources) (await import('tsx/esm/api')).register();
const { main } = await import(fromSources ? '../cli/main.ts' : '../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
