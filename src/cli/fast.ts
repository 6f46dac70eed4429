// The fast path of `validate`, `compile --check` and `compile`: what a CI job, an editor hook and
// an operator run most. It parses their few flags itself (no commander, no help text) and runs the
// same command functions main.ts runs. Anything it does not recognise (another command, an
// unknown or repeated flag, --help, --against, a bad --format) is left to main.ts.
// The read-only two hold their output back until the command returns, and leave any thrown error
// to main.ts, which runs them again and reports it its own way (so a fallback prints only once;
// reading twice changes nothing on disk). `compile`, which writes, runs once: its output goes out
// as it is written (a wait for another compile's lock is reported while it waits), and an error it
// throws is reported here as main.ts would (reportError).
import { DEFAULTS, FORMATS, type Format } from './defaults.js';
import type { Recorded } from './result-cache.js';
import { reportError } from './report.js';


export type FastCommand =
  | { verb: 'validate'; options: { registry: string; out: string; format: Format } }
  | { verb: 'compile'; options: { registry: string; out: string; check: boolean } };

/** Whether the command writes (compile without --check): no memo, no second run. */
export function writes(command: FastCommand): boolean {
  return command.verb === 'compile' && !command.options.check;
}

/** The command, when argv (after `node homelab`) is one the fast path runs exactly as main.ts would. */
export function parseFast(argv: readonly string[]): FastCommand | undefined {
  const [verb, ...rest] = argv;
  if (verb !== 'validate' && verb !== 'compile') return undefined;
  const allowed = verb === 'validate' ? ['--registry', '--out', '--format'] : ['--registry', '--out', '--check'];
  const seen = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!allowed.includes(name) || seen.has(name)) return undefined;
    if (name === '--check') {
      if (eq > 0) return undefined;
      seen.set(name, '');
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
    // A missing value or one that looks like a flag: commander's message, not a guess.
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    seen.set(name, value);
  }
  const registry = seen.get('--registry') ?? DEFAULTS.registry;
  const out = seen.get('--out') ?? DEFAULTS.out;
  if (verb === 'compile') return { verb, options: { registry, out, check: seen.has('--check') } };
  const format = seen.get('--format') ?? DEFAULTS.format;
  if (!(FORMATS as readonly string[]).includes(format)) return undefined;
  return { verb, options: { registry, out, format: format as Format } };
}

type Write = typeof process.stdout.write;

/** Run a command with stdout and stderr held back into `into`, in order. */
async function held(into: Recorded['output'], run: () => Promise<number>): Promise<number> {
  const originals = [process.stdout.write, process.stderr.write] as const;
  const hold = (fd: 1 | 2) =>
    ((chunk: string | Uint8Array, ...more: unknown[]) => {
      into.push({ fd, text: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8') });
      (more.find((m) => typeof m === 'function') as (() => void) | undefined)?.();
      return true;
    }) as Write;
  process.stdout.write = hold(1);
  process.stderr.write = hold(2);
  try {
    return await run();
  } finally {
    [process.stdout.write, process.stderr.write] = originals;
  }
}

/**
 * Run a parsed fast command. A read-only one runs with its output held (the caller prints it and
 * may remember it), and is undefined when it threw: main.ts then runs it again and reports the
 * error. `compile` writes its output as it goes and reports its own error: the result holds only the code.
 */
export async function runFast(command: FastCommand): Promise<Recorded | undefined> {
  const run = async () =>
    command.verb === 'validate'
      ? (await import('./commands/validate.js')).validateCmd(command.options)
      : (await import('./commands/compile.js')).compileCmd(command.options);
  if (writes(command)) {
    try {
      return { code: await run(), output: [] };
    } catch (err) {
      return { code: reportError(err), output: [] };
    }
  }
  const output: Recorded['output'] = [];
  try {
    const code = await held(output, run);
    return { code, output };
  } catch {
    return undefined;
  }
}

/** Print a result's output as the command wrote it. */
export function replay(result: Recorded): void {
  for (const { fd, text } of result.output) (fd === 1 ? process.stdout : process.stderr).write(text);
}
