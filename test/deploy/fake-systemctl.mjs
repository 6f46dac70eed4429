#!/usr/bin/env node
// systemctl on the test "gateway host" (systemd does not run here): logs every call to
// $STATE/systemctl.log; `restart litellm-orch.service` (re)starts fake-gateway.mjs on the
// deployed router.yaml and fails, like systemd would report, when it does not come up.
// usage: fake-systemctl.mjs STATE_DIR ROUTER_PATH PORT <systemctl args…>
import { appendFileSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [state, router, port, ...args] = process.argv.slice(2);
appendFileSync(join(state, 'systemctl.log'), `${args.join(' ')}\n`);
if (args[0] !== 'restart' || args[1] !== 'litellm-orch.service') process.exit(0);

const pidFile = join(state, 'gateway.pid');
if (existsSync(pidFile)) {
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGTERM');
  } catch {}
}
const isOpen = () => new Promise((r) => {
  const s = connect(Number(port), '127.0.0.1', () => { s.destroy(); r(true); });
  s.on('error', () => r(false));
});
for (let i = 0; i < 50 && (await isOpen()); i++) await new Promise((r) => setTimeout(r, 50));
const logFile = join(state, 'gateway.log');
const out = openSync(logFile, 'a');
const child = spawn(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'fake-gateway.mjs'), router, port, state], { detached: true, stdio: ['ignore', out, out] });
writeFileSync(pidFile, String(child.pid));
let exited = false;
child.on('exit', () => (exited = true));
for (let i = 0; i < 100; i++) {
  if (exited) {
    console.error(`litellm-orch.service failed to start: ${readFileSync(logFile, 'utf8').trim().split('\n').pop()}`);
    process.exit(1);
  }
  if (await isOpen()) {
    child.unref();
    process.exit(0);
  }
  await new Promise((r) => setTimeout(r, 50));
}
console.error('litellm-orch.service did not listen');
process.exit(1);
