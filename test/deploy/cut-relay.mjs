#!/usr/bin/env node
// An ssh ProxyCommand that cuts the connection: it relays stdin/stdout to HOST:PORT and drops
// the connection for good once the client has sent more than LIMIT bytes — a real cut in the
// middle of an upload, while the small commands before it pass. With HOLD_MS, the connection
// first stalls that long (nothing more is relayed, nothing is closed): an upload that hangs.
// usage: cut-relay.mjs HOST PORT LIMIT [HOLD_MS]
import { connect } from 'node:net';

const [host, port, limit, holdMs] = process.argv.slice(2);
let sent = 0;
const sock = connect(Number(port), host);
process.stdin.on('data', (chunk) => {
  sent += chunk.length;
  if (sent > Number(limit)) {
    if (holdMs) {
      process.stdin.pause();
      setTimeout(() => process.exit(1), Number(holdMs));
      return;
    }
    sock.destroy();
    process.exit(1);
  }
  sock.write(chunk);
});
sock.on('data', (d) => process.stdout.write(d));
sock.on('close', () => process.exit(0));
sock.on('error', () => process.exit(1));
process.stdin.on('end', () => sock.end());
