// Rendering diagnostics for people (text, colour only on a TTY, NO_COLOR honoured), for tools
// (--format json, docs/commands.md) and for GitHub Actions (workflow annotations).
import { Chalk, type ChalkInstance } from 'chalk';
import type { RunCode } from '../core/codes.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { hasErrors } from '../core/diagnostic.js';
import { DeployError, InternalError, RemoteCommandError, UsageError } from '../core/errors.js';
import type { Format } from './defaults.js';


export function colorFor(stream: NodeJS.WriteStream): ChalkInstance {
  const isNoColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  const isForced = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0';
  return new Chalk({ level: isNoColor ? 0 : isForced || stream.isTTY ? 1 : 0 });
}

function location(d: Diagnostic): string {
  return d.line ? `${d.file}:${d.line}:${d.col ?? 1}` : d.file;
}

export function formatText(diagnostics: readonly Diagnostic[], c: ChalkInstance): string {
  const lines: string[] = [];
  // One accept entry usually covers many diagnostics: its reason is printed the first time only.
  const shownReasons = new Set<string>();
  for (const d of diagnostics) {
    const sev = d.severity === 'error' ? c.red('error') : d.severity === 'accepted' ? c.green('accepted') : c.yellow('warning');
    lines.push(`${c.bold(location(d))} ${sev} ${c.dim(d.code)} ${d.message}`);
    if (!d.hint || (d.severity === 'accepted' && shownReasons.has(d.hint))) continue;
    if (d.severity === 'accepted') shownReasons.add(d.hint);
    lines.push(`  ${c.cyan('hint:')} ${d.hint}`);
  }
  const count = (s: Diagnostic['severity']) => diagnostics.filter((d) => d.severity === s).length;
  const errors = count('error');
  const warnings = count('warning');
  const accepted = count('accepted');
  if (diagnostics.length) {
    lines.push('', `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${accepted ? `, ${accepted} accepted` : ''}`);
  }
  return lines.join('\n');
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const props = [`file=${escapeProperty(d.file)}`];
      if (d.line) props.push(`line=${d.line}`);
      if (d.col) props.push(`col=${d.col}`);
      props.push(`title=${escapeProperty(d.code)}`);
      // GitHub knows error, warning and notice: an accepted trade-off is a notice.
      return `::${d.severity === 'accepted' ? 'notice' : d.severity} ${props.join(',')}::${escapeData(d.message + (d.hint ? ` — ${d.hint}` : ''))}`;
    })
    .join('\n');
}

export function formatJson(diagnostics: readonly Diagnostic[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ok: !hasErrors(diagnostics), ...extra, diagnostics }, null, 2);
}

/** Print diagnostics in the chosen format: JSON to stdout, text and annotations to stderr/stdout. */
export function printDiagnostics(diagnostics: readonly Diagnostic[], format: Format): void {
  if (format === 'json') {
    process.stdout.write(formatJson(diagnostics) + '\n');
  } else if (format === 'github') {
    if (diagnostics.length) process.stdout.write(formatGithub(diagnostics) + '\n');
  } else if (diagnostics.length) {
    process.stderr.write(formatText(diagnostics, colorFor(process.stderr)) + '\n');
  }
}

/** True when the command line asks for JSON (`--format json` or `--format=json`), read before
 *  commander parses it, so that even a usage error prints one JSON document. */
export function wantsJson(argv: readonly string[]): boolean {
  return argv.some((a, i) => a === '--format=json' || (a === '--format' && argv[i + 1] === 'json'));
}

/** The one JSON document of a run that ended before any diagnostics: a usage error, an unreadable input, a bug. */
export function printFailure(code: RunCode, message: string, hint?: string): void {
  const d: Diagnostic = { code, severity: 'error', file: '', pointer: '', message, ...(hint ? { hint } : {}) };
  process.stdout.write(formatJson([d]) + '\n');
}

/**
 * A command that threw: its message on stderr (and as the one JSON document under --format json),
 * and the exit code: 2 for a usage error or a bug, 1 for a deploy that failed.
 */
export function reportError(err: unknown, isJson = false): number {
  if (err instanceof UsageError || err instanceof RemoteCommandError || err instanceof DeployError) {
    process.stderr.write(`homelab: ${err.message}\n`);
    const isUsage = err instanceof UsageError;
    if (isJson) printFailure(isUsage ? 'usage-error' : 'deploy-failed', err.message);
    return isUsage ? 2 : 1;
  }
  const detail = err instanceof InternalError || err instanceof Error ? err.message : String(err);
  process.stderr.write(`homelab: internal error: ${detail}\nThis is a bug in homelab; please report it with the command you ran.\n`);
  if (process.env.HOMELAB_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  if (isJson) printFailure('internal-error', detail, 'this is a bug in homelab; please report it with the command you ran');
  return 2;
}
