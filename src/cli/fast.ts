// The fast path of `validate` and `compile --check`: the two read-only commands a CI job or an
// editor hook runs most. It parses their few flags itself (no commander, no help text) and runs
// the same command functions main.ts runs. Anything it does not recognise (another command, an
// unknown or repeated flag, --help, --against, a bad --format) is left to main.ts, and so is any
// thrown error: output is held back until the command returns, so a fallback prints only once.
// Both commands only read, so running one again through main.ts changes nothing on disk.
import { DEFAULTS, FORMATS, type Format } from './defaults.js';
import type { Recorded } from './result-cache.js';


export type FastCommand =
  | { verb: 'validate'; options: { registry: string; out: string; format: Format } }
  | { verb: 'compile'; options: { registry: string; out: string; check: true } };

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
  if (verb === 'compile') return seen.has('--check') ? { verb, options: { registry, out, check: true } } : undefined;
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
 * Run a parsed fast command with its output held: the caller prints it (and may remember it).
 * Undefined when the command threw: main.ts then runs it again and reports the error its own way.
 */
export async function runFast(command: FastCommand): Promise<Recorded | undefined> {
  const output: Recorded['output'] = [];
  try {
    const code = await held(output, async () =>
      command.verb === 'validate'
        ? (await import('./commands/validate.js')).validateCmd(command.options)
        : (await import('./commands/compile.js')).compileCmd(command.options),
    );
    return { code, output };
  } catch {
    return undefined;
  }
}

/** Print a result's output as the command wrote it. */
export function replay(result: Recorded): void {
  for (const { fd, text } of result.output) (fd === 1 ? process.stdout : process.stderr).write(text);
}
