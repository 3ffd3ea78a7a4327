#!/usr/bin/env node
// The `iiot` command runs dist/iiot.cjs, the bundle that `npm install` and `npm start` build
// (`npm run build`), with its recorded code cache (./bundle.js); tsx is for development only. No V8
// flags: --max-semi-space-size=4 saved memory but cost tail latency, and without tsx at run time the
// memory goal holds without it (npm run bench).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './bundle.js';

const bundle = fileURLToPath(new URL('../../dist/iiot.cjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('iiot: dist/ is missing: run npm run build (npm install and npm start do it)\n');
  process.exit(1);
}
await loadBundle(bundle).run(process.argv.slice(2));
