/**
 * How tests run the `iiot` command: from the TypeScript sources (src/cli.ts through tsx), so they test
 * the code as it is, never a dist/ left from an earlier build. The compiled command (src/bin/iiot.js
 * → dist/) is checked after a real build, in test/start.test.ts.
 */
import { fileURLToPath } from 'node:url';
import { commandNodeFlags } from '../../src/bin/bundle.js';

const REGISTER = fileURLToPath(new URL('./tsx-register.mjs', import.meta.url));

/** `iiot …` from the sources: node's argv for spawn(process.execPath, …). */
export const SOURCE_CLI = ['--import', REGISTER, fileURLToPath(new URL('../../src/cli.ts', import.meta.url))];

/** The installed command itself, an executable that runs dist/ (what `npx iiot` runs). */
export const BIN = fileURLToPath(new URL('../../src/bin/iiot.js', import.meta.url));

/** `iiot …` as installed, as node's argv: the bin with the Node flags of its first line. */
export const BUILT_CLI = [...commandNodeFlags(), BIN];
