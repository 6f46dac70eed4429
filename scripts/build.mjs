// npm run build / prepare: bundle the CLI with esbuild into dist/ (tsc only type-checks).
// Why a bundle: start-up. Loading ~400 separate module files (zod alone is 95, 63 of them
// locales) cost more than validating the shipped registry; one file per path loads in one read.
//   dist/cli/homelab.js   the bin, one file: picks the path, replays the memo
//   dist/cli/fast.cjs     validate / compile --check, one minified script for V8's code cache (+ .cache)
//   dist/.cache/results/  the memo of validate / compile --check results (src/cli/result-cache.ts)
//   dist/cli/main.js      commander and every command, split into dist/chunks/ loaded on demand
//   dist/registry/json-schema.js   for scripts/gen-schemas.mjs
//   dist/io/outputs.js             for test/io/interrupt-child.mjs (a compile signalled mid-write)
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');

// zod's `z` namespace re-exports `locales` (63 translations of its error messages). homelab
// never calls z.config(z.locales.xx()) and writes its own messages (src/registry/zod-issues.ts);
// English, the default, is imported by zod's schemas module itself and stays.
const noZodLocales = {
  name: 'no-zod-locales',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (a) => (a.importer.includes(`${'/node_modules/zod/'}`) ? { path: 'zod-locales', namespace: 'homelab-empty' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'homelab-empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

// The fast path never runs `validate --against` (src/cli/fast.ts declines it), so fast.cjs need
// not carry app/against.ts and the git/execa code behind it; were it ever called, the stub's
// throw sends the command to main.ts, which has the real module.
const notOnFastPath = {
  name: 'not-on-fast-path',
  setup(b) {
    b.onResolve({ filter: /\/app\/against\.js$/ }, () => ({ path: 'against', namespace: 'homelab-not-fast' }));
    b.onLoad({ filter: /.*/, namespace: 'homelab-not-fast' }, () => ({
      contents: "export function compareWithRef() { throw new Error('validate --against runs through main.js'); }",
      loader: 'js',
    }));
  },
};

const common = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  plugins: [noZodLocales],
  logLevel: 'warning',
  legalComments: 'none',
};

rmSync(DIST, { recursive: true, force: true });

// fast.cjs first: its SHA-256 is the build id that keys the result memo (src/cli/result-cache.ts).
const fast = await build({
  ...common,
  entryPoints: ['src/cli/fast.ts'],
  outfile: join(DIST, 'cli/fast.cjs'),
  format: 'cjs',
  plugins: [noZodLocales, notOnFastPath],
  // chalk's start-up loads node:tty and node:os; src/cli/ansi.ts gives the same codes without them.
  alias: { chalk: './src/cli/ansi.ts' },
  // A smaller script is a smaller code cache to read and check: about 7 ms less CPU per run.
  // Errors never surface from here with its renamed names: main.ts reruns a command that threw.
  minify: true,
  // src/registry/locate.ts resolves the yaml package relative to its own module URL.
  define: { 'import.meta.url': '__homelab_module_url' },
  banner: { js: "var __homelab_module_url = require('node:url').pathToFileURL(__filename).href;" },
});
const buildId = createHash('sha256').update(readFileSync(join(DIST, 'cli/fast.cjs'))).digest('hex');
const esm = await build({
  ...common,
  entryPoints: { 'cli/main': 'src/cli/main.ts', 'registry/json-schema': 'src/registry/json-schema.ts', 'io/outputs': 'src/io/outputs.ts' },
  outdir: DIST,
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS packages (commander) call require() for node's own modules.
  banner: { js: "import { createRequire as __homelabRequire } from 'node:module'; const require = __homelabRequire(import.meta.url);" },
});
// The bin stands alone (one file to load); it reaches main.js only through import('./main.js').
const bin = await build({
  ...common,
  entryPoints: ['src/cli/homelab.ts'],
  outfile: join(DIST, 'cli/homelab.js'),
  format: 'esm',
  external: ['./main.js'],
  define: { __HOMELAB_BUILD__: JSON.stringify(buildId) },
});
const results = [fast, esm, bin];
const warnings = results.flatMap((r) => r.warnings);
if (warnings.length) {
  console.error(`build: ${warnings.length} warning(s) above; fix them (the bundle would misbehave at run time).`);
  process.exit(1);
}

// Prime fast.cjs's code cache with one real run (validate of the shipped registry), so the first
// `npx homelab validate` after `npm ci` is already fast. Its result does not matter here.
try {
  execFileSync(process.execPath, [join(DIST, 'cli/homelab.js'), 'validate', '--format', 'json'], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, HOMELAB_NO_CACHE: '1' } });
} catch {
  /* a registry with errors still primes the cache */
}
