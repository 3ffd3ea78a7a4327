/**
 * Runs dist/iiot.cjs, the `iiot` command bundled with its dependencies (src/bin/build.mjs), through
 * V8's code cache: the build records, in dist/iiot.cjs.cache, the compiled code of everything start-up
 * runs, so a start deserialises it instead of parsing and compiling about 5 MB of JavaScript again.
 * Node 20 has no compile cache of its own (module.enableCompileCache is Node 22). A cache V8 refuses
 * (another Node version, other V8 flags) costs the time it would have saved, and memory: compiling
 * the bundle leaves some 20 MB in the C allocator that deserialising the cache does not.
 */
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

const cacheOf = (file) => `${file}.cache`;

/**
 * The Node flags the `iiot` command runs with: those on the first line of src/bin/iiot.js. V8 refuses
 * a code cache recorded under other flags, so the build records it under these, and the bench runs
 * the bot with them.
 */
export function commandNodeFlags() {
  const shebang = readFileSync(new URL('./iiot.js', import.meta.url), 'utf8').split('\n', 1)[0];
  return shebang.split(/\s+/).filter((word) => word.startsWith('--'));
}

/**
 * Evaluates the bundle, which the build wrapped in its CommonJS function (src/bin/build.mjs
 * finishBundle): compiled as the file's text, which V8 keeps as the source outside its heap.
 * `__import` is the bundle's only way to the ES modules it leaves out (the picture renderer): code
 * compiled by vm.Script may not call import() without an experimental flag.
 */
function evaluate(file, cachedData, filename = file) {
  const source = readFileSync(file, 'latin1'); // the build makes it ASCII: no UTF-8 decoding
  const script = new vm.Script(source, { filename, cachedData });
  if (cachedData && script.cachedDataRejected) {
    const flags = commandNodeFlags().join(' ') || 'none';
    process.stderr.write(`iiot: V8 refused ${cacheOf(file)}, recorded by another Node or under other V8 flags than the iiot command's (${flags}): the bundle is compiled at start instead, slower and with more memory\n`);
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file), (url) => import(url));
  return { exports: module.exports, script };
}

/**
 * The bundle's exports (src/iiot.ts: run, preload, checkShippedData), with the recorded code cache when
 * there is one. Under --enable-source-maps it is require()d instead: Node maps the stack traces of
 * required modules to the TypeScript, not those of code compiled by vm.Script.
 * dist is a link that a build replaces (src/bin/build.mjs): it is resolved once, so the bundle, its
 * code cache and the modules it loads later (the picture renderer) all come from one build.
 */
export function loadBundle(linkedFile) {
  const file = realpathSync(linkedFile);
  if (process.sourceMapsEnabled) return createRequire(import.meta.url)(file);
  let cachedData;
  try {
    cachedData = readFileSync(cacheOf(file));
  } catch {
    // No cache (a build that could not record one): compiled as usual.
  }
  return evaluate(file, cachedData).exports;
}

/**
 * For the build: loads everything start-up needs (preload), checks the shipped data files, and writes
 * what V8 compiled to the cache; a data file that fails its schema fails the build.
 * The cache keeps the script's name for stack traces, so it is named as it will run: `runAs`.
 */
export async function recordCodeCache(file, runAs) {
  const { exports, script } = evaluate(file, undefined, runAs);
  await exports.preload();
  const cache = script.createCachedData();
  // data/ is checked here, not at each start; after the recording, so start-up never needs its code.
  try {
    await exports.checkShippedData();
  } catch (err) {
    process.stderr.write(`build: data/ fails its checks (src/core/data-schema.ts): ${err.message}\n`);
    process.exit(1);
  }
  writeFileSync(cacheOf(file), cache);
}
