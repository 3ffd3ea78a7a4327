#!/usr/bin/env -S node --max-semi-space-size=8
// The `iiot` command runs dist/iiot.cjs, the bundle that `npm install` and `npm start` build
// (`npm run build`), with its recorded code cache (./bundle.js); tsx is for development only.
// --max-semi-space-size=8: V8 grows the young generation to two 16 MB halves by default; two of 8 MB
// hold 14 MB less RSS, with the same p99 under load (4 MB would collect too often and cost p99:
// npm run bench). The build records the code cache under these flags (./bundle.js
// commandNodeFlags): run this file itself (npx iiot), or node with the same flags (npm start does).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './bundle.js';

const bundle = fileURLToPath(new URL('../../dist/iiot.cjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('iiot: dist/ is missing: run npm run build (npm install and npm start do it)\n');
  process.exit(1);
}
await loadBundle(bundle).run(process.argv.slice(2));
