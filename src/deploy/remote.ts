// Every command homelab runs on another host: one named function per remote verb, argv arrays
// locally, and on the remote side small POSIX sh scripts fed on stdin with their arguments
// quoted — never an interpolated string. The transport (how argv reaches the host) is injected:
// `sshTransport` is the real OpenSSH client and the only execa import of the deploy; tests pass
// one that runs the same argv in-process, to inject faults quickly.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { DeployError, RemoteCommandError, UsageError } from '../core/errors.js';
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
  /** How many finished transactions (with their backups) the host keeps. */
  keepBackups: number;
}

/** How argv reaches a host. `run` rejects with RemoteCommandError; exit 255 means ssh itself failed. */
export interface Transport {
  run(host: RemoteHost, argv: string[], input?: string | Buffer): Promise<Buffer>;
  /** Copy local files into an existing directory on the host. */
  upload(host: RemoteHost, localPaths: string[], remoteDir: string): Promise<void>;
}

export interface Remote {
  host: RemoteHost;
  transport: Transport;
}

/** hosts.yaml `deploy` defaults: sudo -n for files, sudo -n systemctl, /var/lib/homelab-deploy. */
export const DEPLOY_DEFAULTS = {
  sudo: ['sudo', '-n'],
  systemctl: ['sudo', '-n', 'systemctl'],
  state_dir: '/var/lib/homelab-deploy',
  keep_backups: 10,
} as const;

const CONNECT_TIMEOUT_S = 10;

export function remoteHost(reg: Registry, name: string): RemoteHost {
  const host = reg.hosts[name];
  if (!host) throw new UsageError(`unknown host "${name}"`);
  const d = host.deploy ?? {};
  return {
    name,
    target: host.ssh,
    sshOptions: d.ssh_options ?? [],
    sudo: d.sudo ?? [...DEPLOY_DEFAULTS.sudo],
    systemctl: d.systemctl ?? [...DEPLOY_DEFAULTS.systemctl],
    stateDir: d.state_dir ?? DEPLOY_DEFAULTS.state_dir,
    root: d.root ?? '/',
    keepBackups: d.keep_backups ?? DEPLOY_DEFAULTS.keep_backups,
  };
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

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-2).join(' ');
}

/** The real transport: OpenSSH's ssh and scp. */
export const sshTransport: Transport = {
  async run(host, argv, input) {
    const r = await execa('ssh', [...sshBase(host), host.target, argv.map(shQuote).join(' ')], {
      input,
      encoding: 'buffer',
      // File contents travel on stdout: their last newline is data.
      stripFinalNewline: false,
      reject: false,
      timeout: 120_000,
      // Its own process group: a Ctrl-C on the terminal reaches homelab, which rolls back over
      // ssh, instead of killing the ssh in flight.
      detached: true,
    });
    if (r.exitCode !== 0) {
      const stderr = Buffer.from(r.stderr as Uint8Array).toString('utf8');
      throw new RemoteCommandError(host.name, argv, r.timedOut ? undefined : r.exitCode, stderr);
    }
    return Buffer.from(r.stdout as Uint8Array);
  },
  async upload(host, localPaths, remoteDir) {
    // scp spells the port -P where ssh spells it -p.
    const options = sshBase(host).map((o, i, all) => (o === '-p' && i > 0 && all[i - 1] !== '-o' ? '-P' : o));
    const r = await execa('scp', ['-q', ...options, ...localPaths, `${host.target}:${remoteDir}/`], { reject: false, timeout: 300_000, detached: true });
    if (r.exitCode !== 0) throw new RemoteCommandError(host.name, ['scp', remoteDir], r.exitCode ?? 255, String(r.stderr));
  },
};

/** One sentence for a failed remote command: sudo refused, disk full, ssh down, or its stderr. */
export function describeRemoteError(host: RemoteHost, err: RemoteCommandError): string {
  const s = err.stderr;
  if (/a password is required|a terminal is required|not in the sudoers|may not run sudo/i.test(s)) {
    return `sudo -n was refused on ${host.name} (${lastLines(s)}): let the deploy user run sh and systemctl there without a password (sudoers NOPASSWD), or set deploy.sudo in hosts.yaml`;
  }
  if (/No space left on device/i.test(s)) return `the disk is full on ${host.name} (${lastLines(s)})`;
  if (err.exitCode === undefined) return `\`${err.argv.slice(0, 3).join(' ')}…\` on ${host.name} timed out`;
  if (err.exitCode === 255) return `ssh could not reach ${host.target} or the connection was cut${s.trim() ? ` (${lastLines(s)})` : ''}`;
  return `\`${err.argv.slice(0, 4).join(' ')}…\` exited ${err.exitCode} on ${host.name}${s.trim() ? `: ${lastLines(s)}` : ''}`;
}

/** Run argv on the host; failures become RemoteCommandError with a sentence an operator can act on. */
export async function exec(r: Remote, argv: string[], input?: string | Buffer): Promise<Buffer> {
  try {
    return await r.transport.run(r.host, argv, input);
  } catch (err) {
    if (err instanceof RemoteCommandError) throw new RemoteCommandError(err.host, err.argv, err.exitCode, err.stderr, describeRemoteError(r.host, err));
    throw err;
  }
}

/** Run a POSIX sh script on the host (optionally with the sudo prefix); arguments are quoted words. */
export function runScript(r: Remote, script: string, args: string[], isPrivileged: boolean): Promise<Buffer> {
  return exec(r, [...(isPrivileged ? r.host.sudo : []), 'sh', '-s', '--', ...args], script);
}

const SHA = `sha() { if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi | cut -d' ' -f1; }`;

const READ_SCRIPT = `${SHA}
for p in "$@"; do
  if [ -f "$p" ]; then printf 'F %s %s\\n' "$(wc -c < "$p" | tr -d ' ')" "$(sha < "$p")"; cat "$p"; else printf 'M\\n'; fi
done`;

export interface Installed {
  content?: string;
  /** sha256 of the file as the host computed it; "-" when absent. */
  digest: string;
}

/** Current content and digest of each path on the host, in one connection. */
export async function readFiles(r: Remote, paths: string[]): Promise<Installed[]> {
  if (!paths.length) return [];
  const out = await runScript(r, READ_SCRIPT, paths, true);
  const result: Installed[] = [];
  let at = 0;
  for (let i = 0; i < paths.length; i++) {
    const nl = out.indexOf(0x0a, at);
    const header = out.subarray(at, nl).toString('utf8').split(' ');
    at = nl + 1;
    if (header[0] === 'M') {
      result.push({ digest: '-' });
      continue;
    }
    const size = Number(header[1]);
    result.push({ content: out.subarray(at, at + size).toString('utf8'), digest: header[2]! });
    at += size;
  }
  return result;
}

const SECRETS_SCRIPT = `file=$1; shift
if [ ! -f "$file" ]; then echo "NOFILE"; exit 0; fi
for n in "$@"; do grep -Eq "^[[:space:]]*(export[[:space:]]+)?$n=" "$file" || echo "$n"; done`;

/** Secret names not defined in the host's secrets file (names only: no value is ever read back). */
export async function missingSecrets(r: Remote, file: string, names: string[]): Promise<string[]> {
  const out = (await runScript(r, SECRETS_SCRIPT, [remotePath(r.host, file), ...names], true)).toString('utf8').trim();
  if (out === 'NOFILE') return names.map((n) => `${n} (${file} does not exist)`);
  return out ? out.split('\n') : [];
}

// Values are read into shell variables on the host and only their digests are compared there;
// the script prints verdict words, never a value or a digest.
const KEYS_SCRIPT = `${SHA}
val() { sed -n "s/^[[:space:]]*\\(export[[:space:]][[:space:]]*\\)\\{0,1\\}$2=//p" "$1" | tail -n 1 | sed -e 's/^"\\(.*\\)"$/\\1/' -e "s/^'\\(.*\\)'$/\\1/"; }
dig() { printf '%s' "$1" | sha; }
gw=$1; opt=$2
master=$(dig "$(val "$gw" "$3")"); sent=$(dig "$(val "$gw" "$4")")
inbound=$(dig "$(val "$opt" "$5")"); upstream=$(dig "$(val "$opt" "$6")")
[ "$inbound" = "$sent" ] && echo "inbound ok" || echo "inbound differs"
[ "$upstream" = "$master" ] && echo "upstream ok" || echo "upstream differs"
case $(val "$gw" "$4") in sk-*) [ "$sent" = "$master" ] && echo "prefix ok" || echo "prefix sk";; *) echo "prefix ok";; esac`;

export type KeyVerdict = 'inbound' | 'upstream' | 'prefix';

export interface KeyNames {
  gatewayFile: string;
  optillmFile: string;
  masterKey: string;
  gatewayToOptillm: string;
  optillmInbound: string;
  optillmUpstream: string;
}

/** Which of the gateway↔OptiLLM key agreements fail on the host (compared there by digest). */
export async function keysDisagree(r: Remote, k: KeyNames): Promise<KeyVerdict[]> {
  const args = [remotePath(r.host, k.gatewayFile), remotePath(r.host, k.optillmFile), k.masterKey, k.gatewayToOptillm, k.optillmInbound, k.optillmUpstream];
  const out = (await runScript(r, KEYS_SCRIPT, args, true)).toString('utf8').trim().split('\n');
  return out.filter((l) => !l.endsWith(' ok')).map((l) => l.split(' ')[0] as KeyVerdict);
}

// Stage directories are named /tmp/homelab-stage.<lock>.XXXXXX, <lock> naming the deploy lock
// (state_dir) the sync held while it made one. A sync killed mid-upload (SIGKILL, power cut)
// leaves its stage behind; the next one under the same lock removes it before making its own.
// Holding that lock, no other live sync of it can be uploading, and a sync of another lock (another
// state_dir on this host) names its stages otherwise. Only real directories (no symlink) the ssh
// user owns are removed: /tmp is shared.
const STAGE_SCRIPT = `lock=$1
for d in /tmp/homelab-stage."$lock".*; do
  [ -d "$d" ] && [ ! -L "$d" ] && [ -O "$d" ] || continue
  rm -rf -- "$d" && printf 'removed %s\\n' "$d"
done
stage=$(mktemp -d "/tmp/homelab-stage.$lock.XXXXXX") || exit 1
printf 'stage %s\\n' "$stage"`;

/** The name the stages made under this host's deploy lock carry: a digest of its state_dir. */
function stageLock(host: RemoteHost): string {
  return createHash('sha256').update(host.stateDir).digest('hex').slice(0, 12);
}

/**
 * A private staging directory for uploads, owned by the ssh user; first removes the stages
 * syncs under the same lock left behind. Call only while holding the deploy lock.
 */
export async function makeStaging(r: Remote): Promise<{ dir: string; removed: string[] }> {
  const lines = (await runScript(r, STAGE_SCRIPT, [stageLock(r.host)], false)).toString('utf8').trim().split('\n');
  const dir = lines.find((l) => l.startsWith('stage '))?.slice('stage '.length) ?? '';
  return { dir, removed: lines.filter((l) => l.startsWith('removed ')).map((l) => l.slice('removed '.length)) };
}

export async function removeDir(r: Remote, dir: string): Promise<void> {
  await exec(r, ['rm', '-rf', dir]);
}

export function upload(r: Remote, localPaths: string[], remoteDir: string): Promise<void> {
  return r.transport.upload(r.host, localPaths, remoteDir).catch((err: unknown) => {
    if (err instanceof RemoteCommandError) throw new RemoteCommandError(err.host, err.argv, err.exitCode, err.stderr, describeRemoteError(r.host, err));
    throw err;
  });
}

// Which process answers on the gateway's port: the unit's main process (or one of its children,
// e.g. the python that `uv run` starts), or another one. A stray process on the port (an old
// gateway started by hand, a second LiteLLM) answers /v1/models while the unit fails to bind, and
// with Type=exec `systemctl restart` reports success all the same. Linux: ss and /proc.
const PORT_OWNER_SCRIPT = `port=$1; unit=$2; shift 2
command -v ss >/dev/null 2>&1 && [ -r /proc/self/status ] || { echo unknown; exit 0; }
main=$("$@" show -p MainPID --value "$unit.service" 2>/dev/null)
case $main in ''|*[!0-9]*) echo unknown; exit 0;; esac
pids=$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u)
[ -n "$pids" ] || { echo unknown; exit 0; }
for p in $pids; do
  q=$p
  while [ "$q" != "$main" ] && [ "$q" -gt 1 ]; do q=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$q/status" 2>/dev/null); [ -n "$q" ] || q=0; done
  [ "$q" = "$main" ] || { echo "foreign $main $p $(cat "/proc/$p/comm" 2>/dev/null)"; exit 0; }
done
echo ok`;

export type PortOwner = { verdict: 'ok' | 'unknown' } | { verdict: 'foreign'; mainPid: number; pid: number; command: string };

/** Whether the processes listening on `port` belong to `unit` (its main process or its children). */
export async function portOwner(r: Remote, port: number, unit: string): Promise<PortOwner> {
  const out = (await runScript(r, PORT_OWNER_SCRIPT, [String(port), unit, ...r.host.systemctl], true)).toString('utf8').trim();
  const [verdict, main, pid, ...command] = out.split(' ');
  if (verdict === 'foreign') return { verdict, mainPid: Number(main), pid: Number(pid), command: command.join(' ') };
  return { verdict: verdict === 'ok' ? 'ok' : 'unknown' };
}

// ---- the lock ------------------------------------------------------------------------------

/** Who holds the deploy lock, as recorded in state_dir/lock/owner. */
export interface LockOwner {
  client: string;
  pid: number;
  /** ISO time the lock was taken (the client's clock). */
  started: string;
  txn: string;
}

export function renderOwner(o: LockOwner): string {
  return `client=${o.client}\npid=${o.pid}\nstarted=${o.started}\ntxn=${o.txn}\n`;
}

export function parseOwner(text: string): LockOwner {
  const kv = Object.fromEntries(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { client: kv.client ?? 'unknown', pid: Number(kv.pid ?? 0), started: kv.started ?? 'unknown', txn: kv.txn ?? '' };
}

const LOCK_SCRIPT = `state=$1; owner=$2; expected=$3
mkdir -p "$state/txn" || exit 1
if [ -n "$expected" ] && [ "$(cat "$state/lock/owner" 2>/dev/null)" = "$expected" ]; then
  mv "$state/lock" "$state/lock.broken.$$" && rm -rf "$state/lock.broken.$$"
fi
if mkdir "$state/lock" 2>/dev/null; then
  if printf '%s' "$owner" > "$state/lock/owner"; then echo acquired
  else rm -rf "$state/lock"; echo unwritable; fi
else echo held; cat "$state/lock/owner" 2>/dev/null; fi`;

export type LockResult = { isAcquired: true } | { isAcquired: false; owner: LockOwner; raw: string };

/**
 * Take the deploy lock (mkdir is atomic). With `breaking`, first remove the lock if — and only
 * if — it still holds exactly that owner record (the one the operator was told about).
 */
export async function acquireLock(r: Remote, owner: LockOwner, breaking?: string): Promise<LockResult> {
  const out = (await runScript(r, LOCK_SCRIPT, [r.host.stateDir, renderOwner(owner), breaking ?? ''], true)).toString('utf8');
  if (out.startsWith('acquired')) return { isAcquired: true };
  // A lock without its owner record could never be judged gone nor broken: the script removes it.
  if (out.startsWith('unwritable')) throw new DeployError(`${r.host.name}: could not write the deploy lock's owner record in ${r.host.stateDir}/lock (is the disk full?). Nothing was changed.`);
  const raw = out.replace(/^held\n/, '');
  return { isAcquired: false, owner: parseOwner(raw), raw };
}

const RELEASE_SCRIPT = `state=$1; mine=$2
[ -d "$state/lock" ] || { echo released; exit 0; }
held=$(cat "$state/lock/owner" 2>/dev/null)
if [ "$held" = "$mine" ]; then mv "$state/lock" "$state/lock.released.$$" && rm -rf "$state/lock.released.$$" && echo released
else echo other; printf '%s\\n' "$held"; fi`;

/**
 * Remove the deploy lock if — and only if — it still holds `owner`'s record. A lock another sync
 * took meanwhile (it judged this one gone and broke it) is left alone: its owner is returned.
 */
export async function releaseLock(r: Remote, owner: LockOwner): Promise<LockOwner | undefined> {
  const out = (await runScript(r, RELEASE_SCRIPT, [r.host.stateDir, renderOwner(owner).replace(/\n+$/, '')], true)).toString('utf8');
  return out.startsWith('released') ? undefined : parseOwner(out.replace(/^other\n/, ''));
}

// ---- transactions --------------------------------------------------------------------------

export function txnDir(host: RemoteHost, id: string): string {
  return `${host.stateDir}/txn/${id}`;
}

export function txnScriptPath(host: RemoteHost, id: string): string {
  return `${txnDir(host, id)}/txn.sh`;
}

/** The command an operator runs on the host to restore a transaction's backups by hand. */
export function handRestoreCommand(host: RemoteHost, id: string): string {
  return ['ssh', host.target, ...[...host.sudo, 'sh', txnScriptPath(host, id), 'rollback', txnDir(host, id)].map(shQuote)].join(' ');
}

const PREPARE_SCRIPT = `set -e
stage=$1; txn=$2
mkdir -p "$txn/new"
for f in "$stage"/*; do
  case \${f##*/} in txn.sh|manifest.sh|files) cp "$f" "$txn/";; *) cp "$f" "$txn/new/";; esac
done`;

/** Move an uploaded staging directory into the transaction directory (privileged). */
export async function prepareTxn(r: Remote, stage: string, id: string): Promise<void> {
  await runScript(r, PREPARE_SCRIPT, [stage, txnDir(r.host, id)], true);
}

/** Remove a transaction that never started (its upload failed). */
export async function discardTxn(r: Remote, id: string): Promise<void> {
  await exec(r, [...r.host.sudo, 'rm', '-rf', txnDir(r.host, id)]);
}

const START_SCRIPT = `txn=$1
cd /
if command -v setsid >/dev/null 2>&1; then setsid nohup sh "$txn/txn.sh" run "$txn" </dev/null >>"$txn/runner.log" 2>&1 &
else nohup sh "$txn/txn.sh" run "$txn" </dev/null >>"$txn/runner.log" 2>&1 & fi
echo started`;

/** Start the host-side runner detached: it finishes the transaction even if this client dies. */
export async function startTxn(r: Remote, id: string): Promise<void> {
  await runScript(r, START_SCRIPT, [txnDir(r.host, id)], true);
}

/** A verb of the transaction script (confirm, abort, recover, status): its stdout. */
export async function txnVerb(r: Remote, id: string, verb: 'confirm' | 'abort' | 'recover' | 'status', ...args: string[]): Promise<string> {
  return (await exec(r, [...r.host.sudo, 'sh', txnScriptPath(r.host, id), verb, txnDir(r.host, id), ...args])).toString('utf8');
}

const LIST_SCRIPT = `state=$1
[ -d "$state/txn" ] || exit 0
for t in $(ls "$state/txn" | sort); do
  [ -f "$state/txn/$t/txn.sh" ] || continue
  pid=$(cat "$state/txn/$t/runner.pid" 2>/dev/null)
  alive=0; [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && alive=1
  printf '%s %s %s %s\\n' "$t" "$(cat "$state/txn/$t/status" 2>/dev/null || echo new)" "$(readlink "$state/txn/$t/decision" 2>/dev/null || echo -)" "$alive"
done`;

export interface TxnSummary {
  id: string;
  status: string;
  /** "-" when undecided. */
  decision: string;
  /** Its runner process is running on the host. */
  isAlive: boolean;
}

/** Every transaction on the host. */
export async function listTxns(r: Remote): Promise<TxnSummary[]> {
  const out = (await runScript(r, LIST_SCRIPT, [r.host.stateDir], true)).toString('utf8').trim();
  return out ? out.split('\n').map((l) => {
    const [id, status, decision, alive] = l.split(' ');
    return { id: id!, status: status!, decision: decision!, isAlive: alive === '1' };
  }) : [];
}

