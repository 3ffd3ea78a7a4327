#!/usr/bin/env node
// The `iiot` command runs dist/iiot.cjs, the bundle that `npm install` and `npm start` build
// (`npm run build`), with its recorded code cache (./bundle.js); tsx is for development only.
// No V8 flags: with any, Node refuses the code cache built into the node binary for its own modules
// and the bot started 50–150 ms later. --max-semi-space-size=8 held 14 MB less RSS at the same p99,
// but the memory goal holds without it, and --max-semi-space-size=4 cost p99 (npm run bench). A flag
// put on the first line (`#!/usr/bin/env -S node <flags>`) is passed by npx iiot and the build
// records the code cache under it (./bundle.js commandNodeFlags); npm start must then pass it too
// (test/start.test.ts checks).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './bundle.js';

const bundle = fileURLToPath(new URL('../../dist/iiot.cjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('iiot: dist/ is missing: run npm run build (npm install and npm start do it)\n');
  process.exit(1);
}
await loadBundle(bundle).run(process.argv.slice(2));
