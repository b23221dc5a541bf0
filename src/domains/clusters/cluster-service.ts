import { randomUUID } from 'node:crypto';
import { BadInputError, ConflictError, DomainError, NotFoundError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { CLUSTER_PROVIDERS, type ClusterProvider, type ClusterRecord } from './cluster-record.js';
import { clusterUnavailable } from './errors.js';
import { ConnectionReconciler, type ReadPosition } from './connection-reconciler.js';
import type { ClusterChanges, ClusterConnections, ClusterEventSource, ClusterLiveView, ClusterProbe, ClusterStore, LiveClusterStatus, SecretSealer } from './ports.js';

export interface UpdateClusterInput {
  readonly name?: string | null;
  readonly provider?: ClusterProvider | null;
  readonly region?: string | null;
  readonly kubeconfig?: string | null;
  /** `null` clears it (the kubeconfig's current context is used); undefined keeps it. */
  readonly context?: string | null;
}

export interface RegisterClusterInput {
  readonly name: string;
  readonly provider: ClusterProvider;
  readonly region: string;
  readonly kubeconfig: string;
  readonly context?: string | null;
}

/** A registered cluster together with what its watches currently know. */
export interface ClusterSnapshot {
  readonly record: ClusterRecord;
  readonly live: ClusterLiveView | undefined;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_KUBECONFIG_BYTES = 256 * 1024;

export interface ClusterServiceDeps {
  readonly store: ClusterStore;
  readonly connections: ClusterConnections;
  readonly probe: ClusterProbe;
  readonly sealer: SecretSealer;
  readonly events: ClusterEventSource;
  /** How registrations, changes and removals reach the other replicas. */
  readonly changes: ClusterChanges;
  readonly logger: Logger;
  /** How often connections are compared with the database, should an announcement be lost. */
  readonly resyncMs?: number;
  /** How long a read waits for a connection this replica has just started for another's change. */
  readonly settleMs?: number;
}

/**
 * Registered clusters and their connections. Every replica connects every stored cluster, and
 * follows the others' registrations, changes and removals (see ConnectionReconciler).
 */
export class ClusterService {
  private readonly reconciler: ConnectionReconciler;

  constructor(private readonly deps: ClusterServiceDeps) {
    this.reconciler = new ConnectionReconciler({
      store: deps.store,
      connections: deps.connections,
      sealer: deps.sealer,
      changes: deps.changes,
      logger: deps.logger,
      ...(deps.resyncMs === undefined ? {} : { resyncMs: deps.resyncMs }),
      ...(deps.settleMs === undefined ? {} : { settleMs: deps.settleMs }),
    });
  }

  async list(): Promise<ClusterSnapshot[]> {
    const position = this.reconciler.position();
    const records = await this.deps.store.list();
    return Promise.all(records.map((record) => this.connectedSnapshot(record, position)));
  }

  async get(id: string): Promise<ClusterSnapshot | null> {
    const position = this.reconciler.position();
    const record = await this.deps.store.findById(id);
    if (record === null) {
      this.reconciler.forgetIfConnected(id);
      return null;
    }
    return this.connectedSnapshot(record, position);
  }

  async getMany(ids: readonly string[]): Promise<ClusterSnapshot[]> {
    const position = this.reconciler.position();
    const records = await this.deps.store.findByIds(ids);
    return Promise.all(records.map((record) => this.connectedSnapshot(record, position)));
  }

  async require(id: string, field = 'clusterId'): Promise<ClusterSnapshot> {
    const found = await this.get(id);
    if (found === null) throw new NotFoundError('Cluster', id, field);
    return found;
  }

  liveStatus(snapshot: ClusterSnapshot): LiveClusterStatus {
    if (snapshot.live !== undefined) return snapshot.live.status();
    const { record } = snapshot;
    return { state: record.status, ...(record.statusReason ? { reason: record.statusReason } : {}), ...(record.lastSeenAt ? { lastSeenAt: record.lastSeenAt.toISOString() } : {}) };
  }

  /**
   * The caches of a cluster that can answer now. A cluster that is unreachable or still connecting
   * is an UNAVAILABLE error naming it, so one broken cluster fails only its own fields.
   */
  async liveView(clusterId: string): Promise<ClusterLiveView> {
    return this.liveViewOf(await this.require(clusterId));
  }

  liveViewOf(snapshot: ClusterSnapshot): ClusterLiveView {
    const status = this.liveStatus(snapshot);
    if (snapshot.live === undefined || (status.state !== 'RUNNING' && status.state !== 'DEGRADED')) {
      throw clusterUnavailable(snapshot.record.id, snapshot.record.name, status.state, status.reason);
    }
    return snapshot.live;
  }

  /** Validates, checks the cluster answers, then saves and starts watching it. */
  async register(input: RegisterClusterInput): Promise<ClusterSnapshot> {
    const valid = validateRegistration(input);
    if ((await this.deps.store.findByName(valid.name)) !== null) {
      throw new ConflictError('name', `a cluster named ${valid.name} already exists`);
    }
    const { kubernetesVersion } = await this.probe(valid.kubeconfig, valid.context);
    const now = new Date();
    const record: ClusterRecord = {
      id: randomUUID(),
      name: valid.name,
      provider: valid.provider,
      region: valid.region,
      kubeconfigEncrypted: this.deps.sealer.seal(valid.kubeconfig),
      context: valid.context,
      status: 'CONNECTING',
      statusReason: null,
      kubernetesVersion,
      lastSeenAt: now,
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.store.insert(record);
    await this.reconciler.changed(record.id);
    return this.snapshot(record);
  }

  /**
   * Registers a cluster, or refreshes the connection details of one with the same name. The embedded
   * default uses it for its simulated clusters, whose address changes at every start.
   */
  async registerOrRefresh(input: RegisterClusterInput): Promise<ClusterSnapshot> {
    const existing = await this.deps.store.findByName(input.name);
    if (existing === null) return this.register(input);
    const valid = validateRegistration(input);
    const { kubernetesVersion } = await this.probe(valid.kubeconfig, valid.context);
    const patch = { kubeconfigEncrypted: this.deps.sealer.seal(valid.kubeconfig), context: valid.context, provider: valid.provider, region: valid.region, kubernetesVersion };
    await this.deps.store.update(existing.id, patch);
    await this.reconciler.changed(existing.id);
    return this.snapshot({ ...existing, ...patch });
  }

  /** Renames or re-describes a cluster; a new kubeconfig is checked like at registration, then swapped in. */
  async update(id: string, input: UpdateClusterInput): Promise<ClusterSnapshot> {
    const existing = (await this.require(id, 'id')).record;
    const merged = validateRegistration({
      name: input.name ?? existing.name,
      provider: input.provider ?? existing.provider,
      region: input.region ?? existing.region,
      kubeconfig: input.kubeconfig ?? this.deps.sealer.open(existing.kubeconfigEncrypted),
      context: input.context === undefined ? existing.context : input.context,
    });
    if (merged.name !== existing.name && (await this.deps.store.findByName(merged.name)) !== null) {
      throw new ConflictError('name', `a cluster named ${merged.name} already exists`);
    }
    const connectionChanged = input.kubeconfig != null || input.context !== undefined;
    const patch: Partial<ClusterRecord> = { name: merged.name, provider: merged.provider, region: merged.region };
    if (connectionChanged) {
      patch.kubernetesVersion = (await this.probe(merged.kubeconfig, merged.context)).kubernetesVersion;
      patch.kubeconfigEncrypted = this.deps.sealer.seal(merged.kubeconfig);
      patch.context = merged.context;
    }
    await this.deps.store.update(id, patch);
    // A rename too: other replicas read names from the database, but a lost announcement costs nothing.
    await this.reconciler.changed(id);
    return this.snapshot({ ...existing, ...patch });
  }

  /** Forgets the cluster, then stops every watch of it, here and on every other replica. */
  async remove(id: string): Promise<ClusterRecord> {
    const existing = (await this.require(id, 'id')).record;
    await this.deps.store.remove(id);
    await this.reconciler.changed(id);
    return existing;
  }

  /** Starts the watches of every stored cluster and follows other replicas' changes; called once at start. */
  async start(): Promise<void> {
    await this.reconciler.start();
  }

  /** Stops following changes (shutdown): no watch is started after this. */
  async stop(): Promise<void> {
    await this.reconciler.stop();
  }

  /** Remembers the last observed status, so a restart or a list of stored clusters shows it. */
  async recordStatus(clusterId: string, status: LiveClusterStatus): Promise<void> {
    await this.deps.store.update(clusterId, {
      status: status.state,
      statusReason: status.reason ?? null,
      ...(status.lastSeenAt ? { lastSeenAt: new Date(status.lastSeenAt) } : {}),
    });
  }

  podEvents(clusterId: string, namespace: string | undefined, after: string | undefined) {
    return this.deps.events.podEvents(clusterId, namespace, after);
  }

  workloadEvents(clusterId: string, namespace: string | undefined, after: string | undefined) {
    return this.deps.events.workloadEvents(clusterId, namespace, after);
  }

  statusEvents() {
    return this.deps.events.statusEvents();
  }

  private async probe(kubeconfig: string, context: string | null): Promise<{ kubernetesVersion: string }> {
    try {
      return await this.deps.probe.probe(kubeconfig, context);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new DomainError('BAD_USER_INPUT', `kubeconfig: the cluster did not answer: ${error instanceof Error ? error.message : String(error)}`, { field: 'kubeconfig' });
    }
  }

  private snapshot(record: ClusterRecord): ClusterSnapshot {
    return { record, live: this.deps.connections.view(record.id) };
  }

  /** A stored cluster this replica is not connected to yet (a lost announcement) is connected first. */
  private async connectedSnapshot(record: ClusterRecord, position: ReadPosition): Promise<ClusterSnapshot> {
    await this.reconciler.beforeRead(record, position);
    return this.snapshot(record);
  }
}

type ValidRegistration = Omit<Required<RegisterClusterInput>, 'context'> & { readonly context: string | null };

function validateRegistration(input: RegisterClusterInput): ValidRegistration {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 63 || !DNS_LABEL.test(name)) {
    throw new BadInputError('name', 'must be 1-63 lowercase letters, digits or dashes, starting and ending with a letter or digit');
  }
  if (!CLUSTER_PROVIDERS.includes(input.provider)) throw new BadInputError('provider', `must be one of ${CLUSTER_PROVIDERS.join(', ')}`);
  const region = input.region.trim();
  if (region.length === 0 || region.length > 64) throw new BadInputError('region', 'must be 1-64 characters');
  if (input.kubeconfig.trim().length === 0) throw new BadInputError('kubeconfig', 'must not be empty');
  if (Buffer.byteLength(input.kubeconfig) > MAX_KUBECONFIG_BYTES) throw new BadInputError('kubeconfig', 'is larger than 256 KiB');
  const context = input.context?.trim() || null;
  return { name, provider: input.provider, region, kubeconfig: input.kubeconfig, context };
}
