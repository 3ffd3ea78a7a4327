/**
 * `npm run build` (npm install and npm start run it): src/ → dist/, one JavaScript file per
 * TypeScript file in the same folders, so every relative path means the same from dist/ as from
 * src/: lazy `import()`s, `new URL('../../data/report.json', import.meta.url)`. Every other file
 * under src/ (src/core/sound-index.json) is copied beside them. Dependencies stay in node_modules.
 * src/bin/ (the launcher that runs dist/, and this script) is not built.
 *
 * esbuild strips the types in well under a second, so `npm start` rebuilds every time and dist/ is
 * never older than the sources; `npm test` checks the types (tsc --noEmit).
 */
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const src = join(root, 'src');
const out = join(root, 'dist');
// Built beside dist/ and swapped in, so a bot running from dist/ never sees half a build.
const next = join(root, 'dist.next');

const files = readdirSync(src, { recursive: true, encoding: 'utf8' })
  .filter((f) => !f.startsWith('bin/') && statSync(join(src, f)).isFile());
const isSource = (f) => f.endsWith('.ts') && !f.endsWith('.d.ts');

rmSync(next, { recursive: true, force: true });
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
rmSync(out, { recursive: true, force: true });
renameSync(next, out);
