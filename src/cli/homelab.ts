#!/usr/bin/env node
// The `homelab` executable (package.json bin), kept tiny so start-up stays near node's own.
// `validate`, `compile --check` and `compile` (parsed by fast.ts) take the fast path:
//   1. for the two read-only ones, when nothing they read changed since the last run, replay that
//      run (result-cache.ts);
//   2. else run them from dist/cli/fast.cjs, one script compiled through V8's code cache (the way
//      v8-compile-cache does it: Node 20 has no module.enableCompileCache).
// Every other command, and anything the fast path declines or fails on, runs main.ts (commander);
// so does `compile` under HOMELAB_DEBUG, whose stack traces need main.ts's unminified names.
// Both caches only save time: a missing, stale or unwritable one changes no output.
// HOMELAB_NO_CACHE=1 skips the result memo (npm run bench uses it for its cold runs).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { parseFast, replay, writes, type FastCommand, type runFast } from './fast.js';
import { inputDigest, recall, remember, type Recorded } from './result-cache.js';

// The SHA-256 of dist/cli/fast.cjs, set by scripts/build.mjs: a new build never replays an old one's results.
declare const __HOMELAB_BUILD__: string;

/** Load fast.cjs through the code cache beside it; refresh the cache when V8 rejected it. */
function loadFast(): { run: typeof runFast; saveCache: () => void } {
  const file = fileURLToPath(new URL('./fast.cjs', import.meta.url));
  const cacheFile = `${file}.cache`;
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    /* no cache yet */
  }
  const source = readFileSync(file, 'utf8');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const mod = { exports: {} as { runFast: typeof runFast } };
  (script.runInThisContext() as (...a: unknown[]) => void)(mod.exports, createRequire(file), mod, file, dirname(file));
  const saveCache = () => {
    if (cachedData && !script.cachedDataRejected) return;
    try {
      // After the run, so the functions the command compiled lazily are in the cache too.
      const tmp = `${cacheFile}.${process.pid}`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      /* read-only install: run without a cache */
    }
  };
  return { run: mod.exports.runFast, saveCache };
}

async function fastPath(command: FastCommand): Promise<Recorded | undefined> {
  const memoDir = fileURLToPath(new URL('../.cache/results/', import.meta.url));
  const inputs = [command.options.registry, command.options.out];
  // compile writes: it is never replayed, nor remembered.
  const digest = process.env.HOMELAB_NO_CACHE || writes(command) ? undefined : inputDigest(__HOMELAB_BUILD__, command, inputs);
  const memo = digest && recall(memoDir, command, digest);
  if (memo) return memo;
  const { run, saveCache } = loadFast();
  const result = await run(command);
  saveCache();
  // Remember only what ran on inputs that did not change while it ran.
  if (result && digest && inputDigest(__HOMELAB_BUILD__, command, inputs) === digest) remember(memoDir, command, digest, result);
  return result;
}

const parsed = parseFast(process.argv.slice(2));
const command = parsed && !(writes(parsed) && process.env.HOMELAB_DEBUG) ? parsed : undefined;
const result = command && (await fastPath(command));
if (result) {
  replay(result);
  process.exitCode = result.code;
} else {
  // Node >= 22.1 keeps compiled code of ES modules itself; Node 20 has no such call.
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  await import('./main.js');
}
