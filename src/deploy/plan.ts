// Planning a deploy, purely: desired files (compile's output for one host) against observed
// files (what is installed there) → which files change, with unified diffs, and which units to
// reload and restart, in dependency order.
import { createHash } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import type { ChalkInstance } from 'chalk';
import type { GeneratedFile } from '../compile/render.js';
import { isActive, unitName } from '../compile/mesh.js';
import { INSTALL_MODE } from '../compile/layout.js';
import type { Registry } from '../registry/load.js';
import { kindFacts } from '../kinds/index.js';
import { findSecrets, mayHoldSecret } from '../core/secrets.js';
import { compareStrings } from '../core/order.js';

export interface FileChange {
  path: string;
  install: string;
  unit?: string;
  mode: string;
  before?: string;
  /** sha256 of the installed file the plan saw ("-": absent): the host refuses to apply over anything else. */
  beforeDigest: string;
  after: string;
}

export interface DeployPlan {
  host: string;
  changes: FileChange[];
  unchanged: string[];
  isDaemonReload: boolean;
  /** Units to restart, in dependency order. */
  restarts: string[];
  /** Changed files no unit of homelab's reads (the service must be restarted by hand). */
  unmanaged: string[];
}

/** Each kind's restart rank: backends first, then the gateway, then OptiLLM (it calls the gateway back). */
export function unitOrder(reg: Registry): string[] {
  return Object.values(reg.endpoints)
    .filter(isActive)
    .sort((a, b) => kindFacts(a.kind).restartRank - kindFacts(b.kind).restartRank || compareStrings(a.service, b.service))
    .map(unitName);
}

/** sha256 of a text as installed (UTF-8), or "-" for an absent file. */
export function digestOf(text: string | undefined): string {
  return text === undefined ? '-' : createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * `digests` are the host's own sha256 of each observed file (exact even for bytes that are not
 * UTF-8); without them the digest of the observed text is used.
 */
export function planDeploy(
  reg: Registry,
  files: readonly GeneratedFile[],
  host: string,
  observed: ReadonlyMap<string, string | undefined>,
  digests?: ReadonlyMap<string, string>,
): DeployPlan {
  const mine = files.filter((f) => f.host === host && f.install);
  const changes: FileChange[] = [];
  const unchanged: string[] = [];
  for (const f of mine) {
    const before = observed.get(f.install!);
    if (before === f.content) unchanged.push(f.path);
    else changes.push({ path: f.path, install: f.install!, unit: f.unit, mode: f.mode ?? INSTALL_MODE, before, beforeDigest: digests?.get(f.install!) ?? digestOf(before), after: f.content });
  }
  const units = new Set(changes.map((c) => c.unit).filter((u): u is string => !!u));
  // The layout says which files are units: a change to one needs daemon-reload.
  const unitFiles = new Set(mine.filter((f) => f.role === 'unit').map((f) => f.install));
  const order = unitOrder(reg);
  const restarts = [...units].sort((a, b) => (order.indexOf(a) + 1 || 999) - (order.indexOf(b) + 1 || 999));
  return {
    host,
    changes,
    unchanged,
    isDaemonReload: changes.some((c) => unitFiles.has(c.install)),
    restarts,
    unmanaged: changes.filter((c) => !c.unit).map((c) => c.install),
  };
}

/** Names whose values are secrets by their look or their name: never shown in a diff. */
function redactLine(line: string): string {
  const m = /^([+\- ]?)([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
  if (m && mayHoldSecret(m[2]!) && m[3] !== '') return `${m[1]}${m[2]}=<redacted>`;
  return findSecrets(line).length ? `${line.slice(0, 1)}<redacted: looks like a secret>` : line;
}

export function unifiedDiff(change: FileChange): string {
  const patch = createTwoFilesPatch(change.before === undefined ? '/dev/null' : change.install, change.install, change.before ?? '', change.after, '', '', { context: 2 });
  return patch
    .split('\n')
    .slice(2) // the Index/=== header; keep ---/+++ and hunks
    .map((l) => (l.startsWith('---') || l.startsWith('+++') ? l.replace(/\t$/, '') : redactLine(l)))
    .join('\n')
    .trimEnd();
}

export function renderPlan(plan: DeployPlan, c: ChalkInstance): string {
  const out: string[] = [c.bold(`host ${plan.host}: ${plan.changes.length} file(s) to change, ${plan.unchanged.length} unchanged`)];
  for (const ch of plan.changes) {
    out.push('', `${c.cyan(ch.before === undefined ? 'create' : 'update')} ${ch.install}${ch.unit ? c.dim(` (${ch.unit})`) : ''}`);
    for (const line of unifiedDiff(ch).split('\n')) {
      out.push(line.startsWith('+') && !line.startsWith('+++') ? c.green(line) : line.startsWith('-') && !line.startsWith('---') ? c.red(line) : line);
    }
  }
  out.push('');
  if (plan.isDaemonReload) out.push(`systemctl daemon-reload (a unit file changes)`);
  out.push(plan.restarts.length ? `restart, in order: ${plan.restarts.join(' → ')}` : 'no unit to restart');
  for (const u of plan.unmanaged) out.push(c.yellow(`note: ${u} changes; the service that reads it is not managed by homelab: restart it yourself`));
  return out.join('\n');
}
