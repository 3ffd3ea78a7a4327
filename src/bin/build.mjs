/**
 * `npm run build` (npm install and npm start run it): src/ → dist/, in four steps.
 *
 * 1. One JavaScript file per TypeScript file in the same folders (dist/app.js, dist/core/data.js …),
 *    so every relative path means the same from dist/ as from src/. Every other file under src/
 *    (src/core/sound-index.json) is copied beside them. The bench imports these, and the picture
 *    renderer (resvg and the layout in data/pictures/) loads from them when the first picture is drawn.
 * 2. dist/iiot.cjs: the `iiot` command (src/iiot.ts) bundled with its dependencies, minified but for names — one
 *    file instead of some 1,500 module resolutions and reads, which is most of start-up — and wrapped
 *    in its CommonJS function (finishBundle). Each source
 *    module in it sees `import.meta.url` as its file of step 1, so its data paths hold; the picture
 *    renderer stays out of it and is imported from step 1 on the first picture. The licences of the
 *    bundled packages are collected in dist/iiot.cjs.LICENSES.txt.
 * 3. dist/iiot.cjs.cache: V8's compiled code of the bundle, recorded by a fresh `node` that loads
 *    everything start-up loads (src/iiot.ts preload()); src/bin/iiot.js runs the bundle with it. The
 *    same child checks data/ against its schemas: a bad edit fails the build, so `npm start` too.
 * 4. dist/pictures/masks.bin: every mark the bot's pictures draw, rasterised once by resvg, so a
 *    picture is composed from them, not drawn; and dist/pictures/built/: the pictures of the
 *    answers about regions, tiers, the map and groupings, whole (src/pictures/built.ts).
 *
 * dist is a symbolic link to .dist-<key>/, where <key> is a hash of everything the build reads (src/,
 * data/, package.json, the lock file, the Node version): see sourceKey(). Builds sit beside src/ and
 * data/, as dist/ does, so the modules' paths to data/ hold. A build whose key dist/ already has does
 * nothing, so `npm start` builds only after a change, and a second replica started beside the first
 * pays nothing. Otherwise everything is built in a fresh .dist-tmp-<pid>-…/, renamed to
 * .dist-<key>/ and swapped in by renaming a new link over dist: a reader of dist/ sees the old
 * build or the new one, never none and never half of one, and any number of builds may run at once
 * (the last to finish wins; two of the same sources make the same directory). The launcher resolves
 * the link once (src/bin/bundle.js), so a running bot keeps the build it started with; the two
 * builds before the current one are kept for such bots, older ones are removed.
 * `npm test` checks the types (tsc --noEmit) and runs the sources through tsx.
 * src/bin/ (the launcher, this script) is not built, but is part of the key.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync,
  symlinkSync, utimesSync, writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, posix, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { commandNodeFlags } from './bundle.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const src = join(root, 'src');
const out = join(root, 'dist');
/** Builds kept besides the current one, for bots still running from them (they load the picture renderer on first use). */
const KEEP_PREVIOUS = 2;

/**
 * The parts of packages the bundle takes instead of their entry points. Bolt's also loads its Express
 * and AWS Lambda receivers, OAuth's installer and more; prom-client's its Pushgateway client and
 * cluster aggregation.
 */
const PARTS = {
  '@slack/bolt': `
    export { default as App } from '@slack/bolt/dist/App';
    export { default as HTTPReceiver } from '@slack/bolt/dist/receivers/HTTPReceiver';
    export { HTTPResponseAck } from '@slack/bolt/dist/receivers/HTTPResponseAck';
    // Socket Mode (its client, and undici for its WebSocket) loads when a receiver is built.
    export function SocketModeReceiver(options) {
      return new (require('@slack/bolt/dist/receivers/SocketModeReceiver').default)(options);
    }
    export * as HTTPModuleFunctions from '@slack/bolt/dist/receivers/HTTPModuleFunctions';
    export { isRawBodyError } from '@slack/bolt/dist/receivers/HTTPModuleFunctions';
    export { verifySlackRequest } from '@slack/bolt/dist/receivers/verify-request';
    export { LogLevel } from '@slack/logger';
    export * as webApi from '@slack/web-api';
  `,
  'prom-client': `
    export { default as Registry } from 'prom-client/lib/registry';
    export { default as Counter } from 'prom-client/lib/counter';
    export { default as Gauge } from 'prom-client/lib/gauge';
    export { default as Histogram } from 'prom-client/lib/histogram';
    export { default as collectDefaultMetrics } from 'prom-client/lib/defaultMetrics';
  `,
};

/** Source modules left out of the bundle, imported from their file of step 1 when first needed. */
const LEFT_OUT = new Set(['pictures/draw.js']);

/**
 * Our sources as the bundle needs them: `import.meta.url` becomes the module's URL in step 1;
 * `createRequire(import.meta.url)(x)` (node-sdk, loaded with require() for the reasons in
 * src/platforms/feishu/sdk.ts) becomes require(x), which esbuild bundles; an import() of a module
 * left out goes through `__importer` (see the banner).
 */
const ourSources = {
  name: 'our-sources',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const rel = relative(src, args.path).split('\\').join('/');
      if (rel.startsWith('..')) return undefined;
      const asBuilt = rel.replace(/\.ts$/, '.js');
      const contents = readFileSync(args.path, 'utf8')
        .replace(/(?<!typeof\s*)import\((['"])(\.{1,2}\/[^'"]+)\1\)/g, (call, _q, spec) => {
          const target = posix.join(posix.dirname(asBuilt), spec);
          return LEFT_OUT.has(target) ? `__importer(__moduleUrl(${JSON.stringify(target)}))` : call;
        })
        .replaceAll('createRequire(import.meta.url)(', 'require(')
        .replaceAll('import.meta.url', `__moduleUrl(${JSON.stringify(asBuilt)})`);
      return { contents, loader: 'ts' };
    });
    // Packages whose entry point loads more than the bot uses (PARTS): our imports of them get only
    // the parts used. A name a source imports that is not there fails the build ("No matching export").
    const parts = new RegExp(`^(${Object.keys(PARTS).map((p) => p.replace(/[/]/g, '\\/')).join('|')})$`);
    b.onResolve({ filter: parts }, (args) => (args.importer.startsWith(src) ? { path: args.path, namespace: 'parts' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'parts' }, (args) => ({ resolveDir: root, contents: PARTS[args.path] }));
    // Bolt's App loads its Socket Mode receiver up front for `socketMode: true`, which the bot never
    // sets (it builds its own receiver): loaded on first use instead, an HTTP-mode start never does.
    patch(b, /[\\/]@slack[\\/]bolt[\\/]dist[\\/]App\.js$/,
      'const SocketModeReceiver_1 = __importDefault(require("./receivers/SocketModeReceiver"));',
      'const SocketModeReceiver_1 = { get default() { return __importDefault(require("./receivers/SocketModeReceiver")).default; } };',
      'Bolt loads its Socket Mode receiver at start-up');
    // Its HTTP receiver loads the OAuth installer (with jsonwebtoken, semver and more) for the
    // InstallProvider it builds only when given OAuth options, which the bot never passes.
    patch(b, /[\\/]@slack[\\/]bolt[\\/]dist[\\/]receivers[\\/]HTTPReceiver\.js$/,
      'const oauth_1 = require("@slack/oauth");',
      'const oauth_1 = { get InstallProvider() { return require("@slack/oauth").InstallProvider; } };',
      'Bolt loads its OAuth installer at start-up');
    // axios probes, as it loads, whether its fetch adapter would work (building Requests and
    // Responses, which loads Node's own fetch, undici); the bot's calls use its http adapter. The
    // probe is memoised and still runs if the fetch adapter is ever asked for.
    patch(b, /[\\/]axios[\\/]dist[\\/]node[\\/]axios\.cjs$/, '\ngetFetch();\n', '\n', 'axios loads Node\'s fetch at start-up');
    // One axios: node-sdk require()s its CommonJS build (Bolt's Web API client does not use axios);
    // our import would otherwise add its ES module build beside it.
    b.onResolve({ filter: /^axios$/ }, (args) => (args.importer.startsWith(src) ? { path: requireFrom(root, 'axios') } : undefined));
  },
};
/** Steps 1–4 into `next`, a fresh directory that will be renamed to `built`. */
async function buildInto(next, built) {
  const { build } = await import('esbuild'); // loaded only when there is something to build
  const bundle = join(next, 'iiot.cjs');
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => !f.startsWith('bin/') && statSync(join(src, f)).isFile());
  const isSource = (f) => f.endsWith('.ts') && !f.endsWith('.d.ts');

  // 1. One file per module.
  await build({
    entryPoints: files.filter(isSource).map((f) => join(src, f)),
    outdir: next,
    outbase: src,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Linked maps: `NODE_OPTIONS=--enable-source-maps` makes stack traces name the TypeScript lines.
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
  });
  for (const f of files.filter((f) => !isSource(f))) {
    mkdirSync(dirname(join(next, f)), { recursive: true });
    cpSync(join(src, f), join(next, f));
  }

  // 2. The bundle.
  const { metafile } = await build({
    entryPoints: [join(src, 'iiot.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Whitespace and syntax minified, names not: class and function names stay as written (errors are
    // logged by name) without keepNames, whose __name() call on every closure created cost the Slack
    // path about a tenth of its CPU per request (npm run bench -- --only slack, --cpu-prof).
    minifyWhitespace: true,
    minifySyntax: true,
    // Only for a terminal, and it resolves files at run time: loaded from node_modules as before.
    external: ['pino-pretty'],
    // Every import() is a require() of the bundle's own code; the renderer's goes through __import.
    supported: { 'dynamic-import': false },
    // __import: the launcher's when it runs the bundle through its code cache, import() under require().
    banner: { js: 'var __moduleUrl=(f)=>require("node:url").pathToFileURL(require("node:path").join(__dirname,f)).href,__importer=typeof __import=="function"?__import:(u)=>import(u);' },
    plugins: [ourSources],
    absWorkingDir: root,
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
  });
  finishBundle(bundle);
  const bundled = Object.keys(metafile.inputs);
  for (const f of LEFT_OUT) {
    if (bundled.includes(`src/${f.replace(/\.js$/, '.ts')}`)) throw new Error(`build: src/${f} must stay out of the bundle, but a static import pulled it in`);
  }
  writeFileSync(`${bundle}.LICENSES.txt`, licences(bundled));

  // 3. data/ checked, and the code cache recorded by the Node that will run it, with the command's flags.
  try {
    execFileSync(process.execPath, [...commandNodeFlags(), '--input-type=module', '-e',
      `import { recordCodeCache } from ${JSON.stringify(pathToFileURL(join(src, 'bin/bundle.js')).href)};
       await recordCodeCache(${JSON.stringify(bundle)}, ${JSON.stringify(join(built, 'iiot.cjs'))});`], { stdio: 'inherit' });
  } catch {
    throw Object.assign(new Error('build: recording the code cache failed'), { reported: true }); // the child said why
  }

  // 4. The pictures' masks and the answers' pictures (src/pictures/built.ts): drawn once, here.
  try {
    execFileSync(process.execPath, ['--input-type=module', '-e',
      `import { writeBuilt } from ${JSON.stringify(pathToFileURL(join(next, 'pictures/built.js')).href)};
       await writeBuilt();`], { stdio: 'inherit' });
  } catch {
    throw Object.assign(new Error('build: drawing the pictures failed'), { reported: true });
  }
}

const key = sourceKey();
const built = join(root, `.dist-${key}`);
if (isCurrent()) process.exit(0);
if (!existsSync(built)) {
  // Named by this process, so removeOldBuilds can tell one under way from one whose build died.
  const next = join(root, `.dist-tmp-${process.pid}-${Date.now()}`);
  mkdirSync(next);
  try {
    await buildInto(next, built);
  } catch (err) {
    rmSync(next, { recursive: true, force: true });
    if (err?.reported) process.exit(1); // the child said why; dist/ is left as it was
    throw err;
  }
  try {
    renameSync(next, built);
  } catch (err) {
    // Another build of the same sources finished first: its directory is the same build.
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    rmSync(next, { recursive: true, force: true });
  }
}
swapIn(built);
removeOldBuilds();
console.error(`build: dist/ is now ${relative(root, built)}`);

/**
 * What the build's output depends on, hashed: every file of src/ and data/ (path and content),
 * package.json, the lock file (the dependencies bundled), and the Node that records the code cache.
 */
function sourceKey() {
  const hash = createHash('sha256').update(`${process.version} ${process.arch}\n`);
  const files = ['src', 'data'].flatMap((dir) => readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)));
  for (const f of [...files, 'package.json', 'package-lock.json'].filter((f) => statSync(join(root, f)).isFile()).sort()) {
    hash.update(`${f.split('\\').join('/')}\n`).update(readFileSync(join(root, f))).update('\n');
  }
  return hash.digest('hex').slice(0, 16);
}

/** dist/ is already this build. */
function isCurrent() {
  try {
    return realpathSync(out) === realpathSync(built);
  } catch {
    return false;
  }
}

/**
 * Points dist at `dir` by renaming a new link over it, which replaces it in one step. A dist/ that is
 * a directory (from a build before these links) is moved aside first: that once, it is briefly absent.
 */
function swapIn(dir) {
  const now = new Date();
  utimesSync(dir, now, now); // the newest build, which removeOldBuilds keeps
  const link = join(root, `.dist-link-${process.pid}-${Date.now()}`);
  symlinkSync(relative(root, dir), link);
  if (lstatSync(out, { throwIfNoEntry: false })?.isDirectory()) {
    try {
      renameSync(out, join(root, `.dist-old-${process.pid}-${Date.now()}`));
    } catch (err) {
      if (err.code !== 'ENOENT') throw err; // another build moved it aside first
    }
  }
  renameSync(link, out);
}

/**
 * Removes what no bot runs from: builds other than the current one and the KEEP_PREVIOUS newest
 * others (a build another process is swapping in is less than a minute old, and kept too), and the
 * unfinished builds of processes that are gone.
 */
function removeOldBuilds() {
  const current = basename(realpathSync(out));
  const entries = readdirSync(root).filter((name) => name.startsWith('.dist-'))
    .map((name) => ({ name, path: join(root, name), mtime: lstatSync(join(root, name)).mtimeMs }));
  const owner = (e) => Number(/^\.dist-(?:tmp|link)-(\d+)-/.exec(e.name)?.[1]);
  const finished = entries.filter((e) => !owner(e) && e.name !== current).sort((a, b) => b.mtime - a.mtime);
  for (const e of finished.slice(KEEP_PREVIOUS)) {
    if (Date.now() - e.mtime > 60_000) rmSync(e.path, { recursive: true, force: true });
  }
  for (const e of entries.filter((e) => owner(e) && !isRunning(owner(e)))) rmSync(e.path, { recursive: true, force: true });
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * A dependency's file as bundled with one exact piece of text replaced, for what it would load or do at
 * start-up without need. A new version without that text is bundled as it is, with a warning saying
 * what start-up pays again.
 */
function patch(b, filter, text, replacement, cost) {
  b.onLoad({ filter }, (args) => {
    const source = readFileSync(args.path, 'utf8');
    if (source.includes(text)) return { contents: source.replace(text, replacement), loader: 'js' };
    console.warn(`build: ${relative(root, args.path)} has changed; ${cost} again`);
    return undefined;
  });
}

/** Where require() finds a package from `dir`. */
function requireFrom(dir, name) {
  return createRequire(join(dir, 'package.json')).resolve(name);
}

/**
 * The bundle as the launcher (src/bin/bundle.js) runs it, written in one pass:
 * - Pure ASCII. esbuild escapes non-ASCII characters in strings but leaves them in regular
 *   expressions (/[āĀ]/); escaped there too, the launcher reads the file as Latin-1, a third of the
 *   time UTF-8 decoding takes. \\uXXXX means the same UTF-16 unit in a string, regular expression,
 *   template or comment; only after a backslash would it not, so that fails the build.
 * - Wrapped in its CommonJS function, so the launcher compiles the file's text as it is: Node reads a
 *   large Latin-1 file into a string outside V8's heap, and V8 keeps that string as the script's
 *   source. A wrapper added at run time made a new string, which V8 copied whole (4.5 MB) into its
 *   heap for good. Loaded with require() (--enable-source-maps) the file calls the function itself.
 *   The wrapper's first line is a line of its own, and the source map gets one line more to match.
 */
function finishBundle(file) {
  const text = readFileSync(file, 'utf8');
  if (/\\[^\x00-\x7f]/.test(text)) throw new Error(`build: ${file} has a backslash before a non-ASCII character`);
  const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  writeFileSync(file, `(function (f) { return typeof module == "object" ? f(exports, require, module, __filename, __dirname) : f; })(function (exports, require, module, __filename, __dirname, __import) {\n${ascii}\n});\n`, 'latin1');
  const map = JSON.parse(readFileSync(`${file}.map`, 'utf8'));
  writeFileSync(`${file}.map`, JSON.stringify({ ...map, mappings: `;${map.mappings}` }));
}

/** Each bundled package's name, version, licence and licence file, as its copy in node_modules has them. */
function licences(inputs) {
  const dirs = new Set(inputs.map((f) => f.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//)?.[1]).filter(Boolean));
  return [...dirs].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const file = readdirSync(join(root, dir)).find((f) => /^(licen[sc]e|copying)/i.test(f));
    const text = file && existsSync(join(root, dir, file)) ? readFileSync(join(root, dir, file), 'utf8').trim() : '(no licence file in the package)';
    return `${pkg.name} ${pkg.version} — ${typeof pkg.license === 'string' ? pkg.license : JSON.stringify(pkg.license ?? pkg.licenses)}\n\n${text}\n`;
  }).join(`\n${'-'.repeat(72)}\n\n`);
}
