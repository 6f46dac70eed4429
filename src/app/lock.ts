// `homelab lock`: the ledger only grows. New assignments are appended (comments and order kept),
// a declared migration adds the new port and retires the old one to `reserved`; nothing is ever
// edited or dropped, and a move without a migration is refused, not recorded.
import { isMap, isSeq, parseDocument, type YAMLSeq } from 'yaml';
import { at } from '../registry/at.js';
import { portStanding } from '../registry/ledger.js';
import { toPointer, type Diagnostic } from '../core/diagnostic.js';
import { parseRegistry, type Registry, type RegistryFileName } from '../registry/load.js';
import { checkLedger } from '../validate/index.js';
import { byString } from '../core/order.js';

export interface LockPlan {
  added: { host: string; port: number; service: string }[];
  reserved: { host: string; port: number; service: string; reason: string }[];
  refused: Diagnostic[];
  /** The new ports.lock.yaml text (unchanged text when nothing is added). */
  text: string;
  /** The registry read with that ledger (the input registry when nothing is added). */
  registry: Registry;
}

function seqAt(doc: ReturnType<typeof parseDocument>, key: string): YAMLSeq {
  let node = doc.get(key, true);
  if (!isSeq(node)) {
    node = doc.createNode([]);
    doc.set(key, node);
  }
  return node as YAMLSeq;
}

export function planLock(reg: Registry): LockPlan {
  const plan: LockPlan = { added: [], reserved: [], refused: [], text: reg.sources['ports.lock.yaml'].text, registry: reg };
  const isAdded = (host: string, port: number, service: string) => plan.added.some((p) => p.host === host && p.port === port && p.service === service);
  for (const [id, ep] of Object.entries(reg.endpoints).sort(byString(([id]) => id))) {
    const standing = portStanding(reg.ports, ep);
    if (standing.isCurrent || isAdded(ep.host, ep.port, ep.service)) continue;
    const pointer = toPointer(['endpoints', id, 'port']);
    const refuse = (message: string, hint: string) => plan.refused.push(at(reg, 'endpoints.yaml', pointer, { code: 'port-immutable', message, hint }));
    if (standing.retired) {
      refuse(`port ${ep.host}:${ep.port} is reserved and is never reused`, 'pick a new port');
      continue;
    }
    if (standing.owner) {
      refuse(`port ${ep.host}:${ep.port} belongs to ${standing.owner.service} in the ledger`, 'pick a new port');
      continue;
    }
    const previous = standing.locked;
    if (previous.length) {
      const m = standing.migration;
      if (!m) {
        refuse(`${ep.service} on ${ep.host} moved ${previous.map((p) => p.port).join('/')} → ${ep.port} without a migration`, `add {service: ${ep.service}, host: ${ep.host}, from: ${previous[0]!.port}, to: ${ep.port}, reason: …} to migrations, then run lock again`);
        continue;
      }
      if (!reg.ports.reserved.some((r) => r.host === ep.host && r.port === m.from) && !plan.reserved.some((r) => r.host === ep.host && r.port === m.from)) {
        plan.reserved.push({ host: ep.host, port: m.from, service: ep.service, reason: `migrated to ${m.to}: ${m.reason}` });
      }
    }
    plan.added.push({ host: ep.host, port: ep.port, service: ep.service });
  }
  if (plan.refused.length || (!plan.added.length && !plan.reserved.length)) return plan;
  const doc = parseDocument(plan.text);
  if (!isMap(doc.contents)) return plan;
  const append = (key: string, items: object[]) => {
    if (!items.length) return;
    const seq = seqAt(doc, key);
    seq.flow = false;
    for (const item of items) {
      const node = doc.createNode(item);
      node.flow = true;
      seq.items.push(node);
    }
  };
  append('ports', plan.added);
  append('reserved', plan.reserved);
  const text = doc.toString({ lineWidth: 0, flowCollectionPadding: true });
  // Write only a ledger validate accepts: the port rules judge the registry with the new ledger
  // (two endpoints claiming one port, a retired port still in use are refused here, not after).
  const texts = Object.fromEntries(Object.entries(reg.sources).map(([name, src]) => [name, src.text])) as Record<RegistryFileName, string>;
  const after = parseRegistry({ ...texts, 'ports.lock.yaml': text }, reg.dir);
  const problems = after.registry ? checkLedger(after.registry).filter((d) => d.severity === 'error') : after.diagnostics;
  if (problems.length || !after.registry) {
    plan.refused.push(...problems);
    return plan;
  }
  plan.text = text;
  plan.registry = after.registry;
  return plan;
}
