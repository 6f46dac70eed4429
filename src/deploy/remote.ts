// Every command homelab runs on another host, over the real OpenSSH client: one named function
// per remote verb, argv arrays locally (execa, no local shell), and on the remote side small
// POSIX sh scripts fed on stdin with their arguments quoted — never an interpolated string.
// This is the only module that imports execa for deploys.
import { execa } from 'execa';
import { posix } from 'node:path';
import { RemoteCommandError, UsageError } from '../errors.js';
import type { Registry } from '../registry/load.js';

export interface RemoteHost {
  name: string;
  /** ssh destination, user@address. */
  target: string;
  sshOptions: string[];
  sudo: string[];
  systemctl: string[];
  stateDir: string;
  /** Prefix of every install path ("/" on a real host). */
  root: string;
}

const CONNECT_TIMEOUT_S = 10;

export function remoteHost(reg: Registry, name: string): RemoteHost {
  const host = reg.hosts[name];
  if (!host) throw new UsageError(`unknown host "${name}"`);
  if (!host.deploy) {
    throw new UsageError(`hosts.yaml: host "${name}" has no deploy settings; add deploy: {sudo: [sudo, -n], systemctl: [sudo, -n, systemctl], state_dir: /var/lib/homelab-deploy}`);
  }
  const d = host.deploy;
  return { name, target: host.ssh, sshOptions: d.ssh_options ?? [], sudo: d.sudo, systemctl: d.systemctl, stateDir: d.state_dir, root: d.root ?? '/' };
}

/** Where an install path lives on the host (the root prefix applied). */
export function remotePath(host: RemoteHost, install: string): string {
  return host.root === '/' ? install : posix.join(host.root, install);
}

/** POSIX single-quoting: the remote shell sees exactly this one word. */
export function shQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function sshBase(host: RemoteHost): string[] {
  return ['-o', 'BatchMode=yes', '-o', `ConnectTimeout=${CONNECT_TIMEOUT_S}`, '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=2', ...host.sshOptions];
}

/** Run argv on the host; `input` goes to its stdin. Throws RemoteCommandError on failure. */
export async function ssh(host: RemoteHost, argv: string[], input?: string | Buffer): Promise<Buffer> {
  const r = await execa('ssh', [...sshBase(host), host.target, argv.map(shQuote).join(' ')], {
    input,
    encoding: 'buffer',
    // File contents travel on stdout: their last newline is data.
    stripFinalNewline: false,
    reject: false,
    timeout: 120_000,
  });
  if (r.exitCode !== 0) {
    const stderr = Buffer.from(r.stderr as Uint8Array).toString('utf8');
    const reason = r.exitCode === 255 ? ` (ssh could not reach ${host.target} or the connection was cut)` : '';
    throw new RemoteCommandError(host.name, argv, r.exitCode, stderr, `on ${host.name}: \`${argv.slice(0, 4).join(' ')}…\` exited ${r.exitCode ?? (r.timedOut ? 'on timeout' : 'abnormally')}${reason}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-2).join(' ')}` : ''}`);
  }
  return Buffer.from(r.stdout as Uint8Array);
}

/** Run a POSIX sh script on the host (optionally with the sudo prefix); arguments are quoted words. */
export function runScript(host: RemoteHost, script: string, args: string[], isPrivileged: boolean): Promise<Buffer> {
  return ssh(host, [...(isPrivileged ? host.sudo : []), 'sh', '-s', '--', ...args], script);
}

/** Copy local files into a directory on the host with scp. */
export async function scp(host: RemoteHost, localPaths: string[], remoteDir: string): Promise<void> {
  // scp spells the port -P where ssh spells it -p.
  const options = sshBase(host).map((o, i, all) => (o === '-p' && i > 0 && all[i - 1] !== '-o' ? '-P' : o));
  const r = await execa('scp', ['-q', ...options, ...localPaths, `${host.target}:${remoteDir}/`], { reject: false, timeout: 300_000 });
  if (r.exitCode !== 0) {
    throw new RemoteCommandError(host.name, ['scp', ...localPaths.map((p) => posix.basename(p)), remoteDir], r.exitCode, String(r.stderr), `upload to ${host.name} failed (scp exited ${r.exitCode ?? 'abnormally'}${String(r.stderr).trim() ? `: ${String(r.stderr).trim().split('\n').pop()}` : ''})`);
  }
}

const LOCK_SCRIPT = `set -e
state=$1; owner=$2
mkdir -p "$state"
if mkdir "$state/lock" 2>/dev/null; then printf '%s\\n' "$owner" > "$state/lock/owner"; echo acquired
else echo "held $(cat "$state/lock/owner" 2>/dev/null || echo unknown)"; fi`;

/** Take the deploy lock (mkdir is atomic); returns undefined when acquired, else who holds it. */
export async function acquireLock(host: RemoteHost, owner: string): Promise<string | undefined> {
  const out = (await runScript(host, LOCK_SCRIPT, [host.stateDir, owner], true)).toString('utf8').trim();
  return out === 'acquired' ? undefined : out.replace(/^held /, '');
}

export async function releaseLock(host: RemoteHost): Promise<void> {
  await ssh(host, [...host.sudo, 'rm', '-rf', `${host.stateDir}/lock`]);
}

const READ_SCRIPT = `for p in "$@"; do
  if [ -f "$p" ]; then printf 'F %s\\n' "$(wc -c < "$p" | tr -d ' ')"; cat "$p"; else printf 'M\\n'; fi
done`;

/** Current content of each path on the host (undefined where absent), in one connection. */
export async function readFiles(host: RemoteHost, paths: string[]): Promise<(string | undefined)[]> {
  if (!paths.length) return [];
  const out = await runScript(host, READ_SCRIPT, paths, true);
  const result: (string | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < paths.length; i++) {
    const nl = out.indexOf(0x0a, at);
    const header = out.subarray(at, nl).toString('utf8');
    at = nl + 1;
    if (header === 'M') {
      result.push(undefined);
      continue;
    }
    const size = Number(header.slice(2));
    result.push(out.subarray(at, at + size).toString('utf8'));
    at += size;
  }
  return result;
}

const SECRETS_SCRIPT = `file=$1; shift
if [ ! -f "$file" ]; then echo "NOFILE"; exit 0; fi
for n in "$@"; do grep -Eq "^[[:space:]]*(export[[:space:]]+)?$n=" "$file" || echo "$n"; done`;

/** Secret names not defined in the host's secrets file (names only: no value is ever read back). */
export async function missingSecrets(host: RemoteHost, file: string, names: string[]): Promise<string[]> {
  const out = (await runScript(host, SECRETS_SCRIPT, [remotePath(host, file), ...names], true)).toString('utf8').trim();
  if (out === 'NOFILE') return names.map((n) => `${n} (${file} does not exist)`);
  return out ? out.split('\n') : [];
}

/** A private staging directory for uploads. */
export async function makeStaging(host: RemoteHost): Promise<string> {
  return (await ssh(host, ['mktemp', '-d', '/tmp/homelab-stage.XXXXXX'])).toString('utf8').trim();
}

export async function removeDir(host: RemoteHost, dir: string): Promise<void> {
  await ssh(host, ['rm', '-rf', dir]);
}

export interface SwapItem {
  /** File name in the staging directory and in the backup directory. */
  name: string;
  dest: string;
  mode: string;
}

const SWAP_SCRIPT = `set -e
stage=$1; backup=$2; shift 2
mkdir -p "$backup"
while [ $# -gt 0 ]; do
  name=$1; dest=$2; mode=$3; shift 3
  mkdir -p "$(dirname "$dest")"
  cp "$stage/$name" "$dest.homelab-new"
  chmod "$mode" "$dest.homelab-new"
  if [ -f "$dest" ]; then cp -p "$dest" "$backup/$name"; else : > "$backup/$name.absent"; fi
  mv -f "$dest.homelab-new" "$dest"
done`;

/**
 * Install staged files: each goes to a temporary name beside its destination, the old file is
 * backed up, then the new one is renamed into place (atomic on one filesystem).
 */
export async function swapIn(host: RemoteHost, stage: string, backupDir: string, items: SwapItem[]): Promise<void> {
  await runScript(host, SWAP_SCRIPT, [stage, backupDir, ...items.flatMap((i) => [i.name, i.dest, i.mode])], true);
}

const RESTORE_SCRIPT = `backup=$1; shift
while [ $# -gt 0 ]; do
  name=$1; dest=$2; shift 2
  rm -f "$dest.homelab-new"
  if [ -f "$backup/$name" ]; then cp -p "$backup/$name" "$dest.homelab-old" && mv -f "$dest.homelab-old" "$dest"
  elif [ -f "$backup/$name.absent" ]; then rm -f "$dest"; fi
done`;

/** Put every backed-up file back (and remove files that did not exist before). */
export async function restore(host: RemoteHost, backupDir: string, items: SwapItem[]): Promise<void> {
  await runScript(host, RESTORE_SCRIPT, [backupDir, ...items.flatMap((i) => [i.name, i.dest])], true);
}

export async function daemonReload(host: RemoteHost): Promise<void> {
  await ssh(host, [...host.systemctl, 'daemon-reload']);
}

export async function restartUnit(host: RemoteHost, unit: string): Promise<void> {
  await ssh(host, [...host.systemctl, 'restart', `${unit}.service`]);
}
