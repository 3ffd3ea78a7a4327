#!/usr/bin/env node
// The `iiot` command runs the compiled JavaScript in dist/, which `npm install` and `npm start` build
// (`npm run build`); tsx is for development only. No V8 flags: --max-semi-space-size=4 saved memory
// but cost tail latency, and without tsx at run time the memory goal holds without it (npm run bench).
import { existsSync } from 'node:fs';

const cli = new URL('../../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('iiot: dist/ is missing: run npm run build (npm install and npm start do it)\n');
  process.exit(1);
}
await import(cli.href);
