/**
 * The `iiot` command from the sources (`node --import tsx src/cli.ts`, as the tests run it) or from
 * dist/cli.js. The installed command, src/bin/iiot.js, runs the bundle, which calls run() itself.
 */
import { run } from './iiot.js';

void run(process.argv.slice(2));
