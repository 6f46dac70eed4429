// A real OpenSSH server on 127.0.0.1 for the deploy tests: Debian's sshd (.ci/run installs
// openssh-server) on a free port with a throw-away host key and one authorized key, its own
// config and pid file, no PAM, no passwords. Only loopback traffic.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export interface Sshd {
  port: number;
  user: string;
  /** ssh options that reach this server (usable by ssh and, translated, scp). */
  options: string[];
  stop(): void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited ${child.exitCode}: ${log()}`);
    const isOpen = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (isOpen) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${port}: ${log()}`);
}

export function sshdBinary(): string {
  for (const p of ['/usr/sbin/sshd', '/usr/bin/sshd']) if (existsSync(p)) return p;
  throw new Error('sshd not found: install openssh-server (scripts/setup-test-deps.sh does)');
}

export async function startSshd(dir: string): Promise<Sshd> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const user = userInfo().username;
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  // As root, sshd wants its privilege-separation directory.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  writeFileSync(join(dir, 'sshd_config'), [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    'Subsystem sftp internal-sftp',
    'LogLevel ERROR',
    '',
  ].join('\n'));
  let log = '';
  const child = spawn(sshdBinary(), ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  await waitForPort(port, child, () => log);
  return {
    port,
    user,
    options: ['-F', '/dev/null', '-p', String(port), '-i', join(dir, 'client_key'), '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${join(dir, 'known_hosts')}`, '-o', 'StrictHostKeyChecking=no', '-o', 'LogLevel=ERROR'],
    stop: () => child.kill('SIGTERM'),
  };
}
