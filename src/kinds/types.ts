// The shape of one endpoint kind's facts: every table that used to say something per kind
// (handle prefix, unit, restart order, health route, loopback-only, …) is a field here, and each
// kind fills it in its own file. This folder is the ground floor: it imports nothing of homelab.

/** Whether homelab writes a systemd unit for an endpoint of this kind (on a Linux host). */
export type UnitPolicy =
  /** Always: an active endpoint without `run` details is an error (`service-run`). */
  | 'always'
  /** Only when the endpoint gives `run` details; without them it runs elsewhere (a container, by hand). */
  | 'with-run-details'
  /** Never: the program runs on a host homelab does not manage units on, or under another manager. */
  | 'never';

export interface EndpointKindFacts<Name extends string = string> {
  /** The `kind:` value in endpoints.yaml. */
  readonly name: Name;
  /** What listens there, in words: the unit's Description= and documentation. */
  readonly description: string;
  /**
   * The prefix of every model handle this kind serves (`handle-model-id`), or null for a kind that
   * serves no models (models.yaml may point only at kinds with a prefix).
   */
  readonly handlePrefix: string | null;
  /**
   * Its model handles may go through OptiLLM as a model (settings.yaml optillm.route_via_optillm,
   * a row's via_optillm); the other model kinds always go straight to their backend.
   */
  readonly mayRouteViaOptillm: boolean;
  /** Whether homelab writes this kind's systemd unit. */
  readonly unit: UnitPolicy;
  /** The unit name when `run.unit` is not set; null: the service name. */
  readonly defaultUnit: string | null;
  /** Must listen on loopback whatever the LAN approval (`exposure-lan`). */
  readonly isLoopbackOnly: boolean;
  /**
   * Restart order on a deploy, lowest first: what others call restarts before its callers, so a
   * caller never starts against a peer that is still going down. Distinct for every kind (a new
   * kind takes a rank of its own, renumbering the others if needed; test/kinds.test.ts checks).
   */
  readonly restartRank: number;
  /** Unauthenticated routes `health` probes, in order; every one must answer 2xx/3xx. */
  readonly healthPaths: readonly string[];
  /**
   * A runtime env file homelab writes for the service (its `run.environment` and device, loaded by
   * its unit), with the variable that names the inference device; null: the unit carries them.
   */
  readonly runtimeEnv: { readonly deviceVariable: string } | null;
  /** The program runs on macOS only (`import` marks the host of such an endpoint a Mac). */
  readonly isMacOnly: boolean;
  /**
   * It loads models from the host's showroom storage roots, so its unit (ProtectHome=tmpfs) binds
   * those roots back read-only.
   */
  readonly readsModelStorage: boolean;
  /** What `import` reads from the seeds' hand-written files to recognise this kind. */
  readonly import: {
    /** The service name an imported endpoint of this kind gets. */
    readonly service: string;
    /** One server a port, each its own service: the service name gets the port (mlx-8101). */
    readonly isServicePerPort?: boolean;
    /** The seeds' endpoint ids of this kind (handles.jsonl endpoint_ref: ep_mlx_slot_8101). */
    readonly endpointRef?: RegExp;
    /** Prefix of the env variables the seeds' router.yaml reads for this kind's deployments. */
    readonly envPrefix?: string;
  };
}
