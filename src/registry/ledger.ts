// Where an endpoint's port stands in the port ledger (ports.lock.yaml): the one reading of the
// ledger that the port-immutable rule judges and `homelab lock` acts on, so the two never differ
// about what counts as a move, a declared migration, a reused reserved port or a taken one.
import type { PortsLock } from './schema.js';

type Assigned = PortsLock['ports'][number];
type Reserved = PortsLock['reserved'][number];
type Migration = PortsLock['migrations'][number];

export interface PortStanding {
  /** The ledger's assignments of this service on this host. */
  locked: Assigned[];
  /** One of them is this very port: nothing moved. */
  isCurrent: boolean;
  /** Not current, but a migration moves the service from one of its locked ports to this one. */
  migration?: Migration;
  /** This port was retired: it is never used again. */
  retired?: Reserved;
  /** Another service holds this port in the ledger. */
  owner?: Assigned;
}

export function portStanding(ledger: PortsLock, ep: { host: string; port: number; service: string }): PortStanding {
  const locked = ledger.ports.filter((p) => p.host === ep.host && p.service === ep.service);
  const isCurrent = locked.some((p) => p.port === ep.port);
  const migration = isCurrent
    ? undefined
    : ledger.migrations.find((m) => m.host === ep.host && m.service === ep.service && m.to === ep.port && locked.some((p) => p.port === m.from));
  return {
    locked,
    isCurrent,
    migration,
    retired: ledger.reserved.find((r) => r.host === ep.host && r.port === ep.port),
    owner: ledger.ports.find((p) => p.host === ep.host && p.port === ep.port && p.service !== ep.service),
  };
}
