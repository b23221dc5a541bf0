import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors.js';
import { ANY_REGION, DEFAULT_PRICES, defaultPricesOf, validatePriceTable, type PriceTable, type PriceTableInput, type Prices } from './prices.js';
import type { Allotment, ChargeSource, ClusterFacts, MeteredMap, MeteringGate, PodDay, PriceTableStore, PrincipalLike } from './ports.js';

const DAY_MS = 86_400_000;
const GiB = 2 ** 30;
export const MAX_DAYS = 92;

export interface Figures {
  readonly cpuCoreHours: number;
  readonly memoryGiBHours: number;
  readonly storageGiBHours: number;
  readonly cpuCost: number;
  readonly memoryCost: number;
  readonly storageCost: number;
  readonly total: number;
}

export interface CostDay extends Figures {
  /** YYYY-MM-DD (UTC). */
  readonly date: string;
}

export interface CostReport {
  readonly currency: string;
  readonly days: readonly CostDay[];
  readonly total: Figures;
  /** Clusters only: capacity not charged to any pod. */
  readonly idle: Figures | null;
  /** Clusters only: pods in namespaces no workspace holds. */
  readonly unallotted: Figures | null;
  /** Workspaces only: its pods no map holds, and its volumes (included in total). */
  readonly unmapped: Figures | null;
}

export interface CostRequest {
  readonly workspaceId?: string | null | undefined;
  readonly clusterId?: string | null | undefined;
  readonly appMapId?: string | null | undefined;
}

interface Hours {
  cpu: number;
  memory: number;
  storage: number;
}

const zero = (): Hours => ({ cpu: 0, memory: 0, storage: 0 });
const add = (into: Hours, more: Hours) => {
  into.cpu += more.cpu;
  into.memory += more.memory;
  into.storage += more.storage;
};
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

function priced(hours: Hours, prices: Prices): Figures {
  const cpuCost = hours.cpu * prices.cpuCoreHour;
  const memoryCost = hours.memory * prices.memoryGiBHour;
  const storageCost = hours.storage * prices.storageGiBHour;
  return {
    cpuCoreHours: round(hours.cpu, 6),
    memoryGiBHours: round(hours.memory, 6),
    storageGiBHours: round(hours.storage, 6),
    cpuCost: round(cpuCost, 6),
    memoryCost: round(memoryCost, 6),
    storageCost: round(storageCost, 6),
    total: round(cpuCost + memoryCost + storageCost, 6),
  };
}

/** The workspace a namespace belongs to: the oldest allotment holding it (an allotment of the whole cluster holds every namespace). */
function ownerOf(allotments: readonly Allotment[], namespace: string): string | null {
  return allotments.find((allotment) => allotment.namespaces === null || allotment.namespaces.includes(namespace))?.workspaceId ?? null;
}

/** What one cluster's pods and capacity came to per day, split by owner. */
interface ClusterCharges {
  readonly prices: Prices;
  /** day → owner (workspace id, or '' for unallotted) → hours. */
  readonly byOwner: Map<number, Map<string, Hours>>;
  readonly idle: Map<number, Hours>;
  readonly pods: ReadonlyArray<PodDay & { readonly owner: string }>;
}

/** The first map of `maps` whose workloads' pods include this one. */
function mapOf(maps: readonly MeteredMap[], clusterId: string, pod: PodDay): string | null {
  return (
    maps.find((map) => map.clusterId === clusterId && map.namespace === pod.namespace && map.workloadNames.some((workload) => pod.name.startsWith(`${workload}-`)))?.id ?? null
  );
}

export interface MeteringServiceDeps {
  readonly gate: MeteringGate;
  readonly prices: PriceTableStore;
  readonly charges: ChargeSource;
  readonly now?: () => Date;
}

export class MeteringService {
  constructor(private readonly deps: MeteringServiceDeps) {}

  async priceTables(): Promise<PriceTable[]> {
    const stored = await this.deps.prices.list();
    const defaults = Object.entries(DEFAULT_PRICES)
      .filter(([provider]) => !stored.some((table) => table.provider === provider && table.region === ANY_REGION))
      .map(([provider, prices]): PriceTable => ({ provider, region: ANY_REGION, ...prices, updatedAt: null }));
    return [...stored, ...defaults].sort((a, b) => a.provider.localeCompare(b.provider) || a.region.localeCompare(b.region));
  }

  async setPriceTable(principal: PrincipalLike, input: PriceTableInput): Promise<PriceTable> {
    if (principal.systemRole !== 'ADMIN') throw new ForbiddenError('Only administrators set price tables');
    const table = validatePriceTable(input, this.deps.now?.() ?? new Date());
    await this.deps.prices.put(table);
    return table;
  }

  async costs(principal: PrincipalLike, request: CostRequest, from: Date, to: Date): Promise<CostReport> {
    const given = (value: string | null | undefined): value is string => value !== null && value !== undefined;
    if ([request.workspaceId, request.clusterId, request.appMapId].filter(given).length !== 1)
      throw new BadInputError('workspaceId', 'give exactly one of workspaceId, clusterId and appMapId');
    const fromMs = Math.floor(from.getTime() / DAY_MS) * DAY_MS;
    const toMs = Math.floor(to.getTime() / DAY_MS) * DAY_MS + DAY_MS;
    if (toMs <= fromMs) throw new BadInputError('to', 'the range ends before it starts');
    if ((toMs - fromMs) / DAY_MS > MAX_DAYS) throw new BadInputError('to', `at most ${MAX_DAYS} days at once`);
    const days = Array.from({ length: (toMs - fromMs) / DAY_MS }, (_, index) => fromMs + index * DAY_MS);

    if (given(request.clusterId)) {
      if (!(await this.deps.gate.seesCluster(principal, request.clusterId))) throw new NotFoundError('Cluster', request.clusterId, 'clusterId');
      // A cluster's figure includes every workspace's: a member of one sees its own, not the others'.
      if (principal.systemRole !== 'ADMIN') throw new ForbiddenError("Only administrators see a whole cluster's costs; ask for your workspace's");
      const facts = await this.deps.gate.cluster(request.clusterId);
      if (facts === null) throw new NotFoundError('Cluster', request.clusterId, 'clusterId');
      const charges = await this.chargesOf(facts, fromMs, toMs);
      const all = (day: number) => {
        const sum = zero();
        for (const hours of charges.byOwner.get(day)?.values() ?? []) add(sum, hours);
        add(sum, charges.idle.get(day) ?? zero());
        return sum;
      };
      const unallotted = zero();
      const idle = zero();
      for (const day of days) {
        add(unallotted, charges.byOwner.get(day)?.get('') ?? zero());
        add(idle, charges.idle.get(day) ?? zero());
      }
      return this.report(days, charges.prices, all, { idle: priced(idle, charges.prices), unallotted: priced(unallotted, charges.prices), unmapped: null });
    }

    if (given(request.appMapId)) {
      const map = await this.deps.gate.appMap(principal, request.appMapId);
      if (map === null) throw new NotFoundError('AppMap', request.appMapId, 'appMapId');
      const facts = await this.deps.gate.cluster(map.clusterId);
      if (facts === null) throw new NotFoundError('AppMap', request.appMapId, 'appMapId');
      const [charges, maps] = await Promise.all([this.chargesOf(facts, fromMs, toMs), this.deps.gate.workspaceMaps(map.workspaceId)]);
      const byDay = new Map<number, Hours>();
      for (const pod of charges.pods) {
        if (pod.owner !== map.workspaceId || mapOf(maps, map.clusterId, pod) !== map.id) continue;
        const hours = byDay.get(pod.day) ?? zero();
        add(hours, { cpu: pod.cpuCoreHours, memory: pod.memoryGiBHours, storage: 0 });
        byDay.set(pod.day, hours);
      }
      return this.report(days, charges.prices, (day) => byDay.get(day) ?? zero(), { idle: null, unallotted: null, unmapped: null });
    }

    const workspaceId = request.workspaceId as string;
    const allotments = await this.deps.gate.workspaceAllotments(principal, workspaceId);
    if (allotments === null) throw new NotFoundError('Workspace', workspaceId, 'workspaceId');
    const perCluster: Array<ClusterCharges & { readonly clusterId: string }> = [];
    for (const allotment of allotments) {
      const facts = await this.deps.gate.cluster(allotment.clusterId);
      if (facts !== null) perCluster.push({ ...(await this.chargesOf(facts, fromMs, toMs)), clusterId: facts.id });
    }
    const currencies = new Set(perCluster.map((charges) => charges.prices.currency));
    if (currencies.size > 1) throw new ConflictError('workspaceId', `its clusters are priced in different currencies (${[...currencies].join(', ')}); ask per cluster`);
    const prices = perCluster[0]?.prices ?? defaultPricesOf('OTHER');
    const ofDay = (day: number) => {
      const sum = zero();
      for (const charges of perCluster) add(sum, charges.byOwner.get(day)?.get(workspaceId) ?? zero());
      return sum;
    };
    const maps = await this.deps.gate.workspaceMaps(workspaceId);
    const unmapped = zero();
    for (const charges of perCluster) {
      for (const day of days) add(unmapped, { cpu: 0, memory: 0, storage: charges.byOwner.get(day)?.get(workspaceId)?.storage ?? 0 });
      for (const pod of charges.pods) {
        if (pod.owner === workspaceId && pod.day >= fromMs && pod.day < toMs && mapOf(maps, charges.clusterId, pod) === null)
          add(unmapped, { cpu: pod.cpuCoreHours, memory: pod.memoryGiBHours, storage: 0 });
      }
    }
    return this.report(days, prices, ofDay, { idle: null, unallotted: null, unmapped: priced(unmapped, prices) });
  }

  private report(days: readonly number[], prices: Prices, hoursOf: (day: number) => Hours, extra: Pick<CostReport, 'idle' | 'unallotted' | 'unmapped'>): CostReport {
    const total = zero();
    const rows = days.map((day) => {
      const hours = hoursOf(day);
      add(total, hours);
      return { date: new Date(day).toISOString().slice(0, 10), ...priced(hours, prices) };
    });
    return { currency: prices.currency, days: rows, total: priced(total, prices), ...extra };
  }

  private async pricesOf(facts: ClusterFacts): Promise<Prices> {
    return (await this.deps.prices.find(facts.provider, facts.region)) ?? (await this.deps.prices.find(facts.provider, ANY_REGION)) ?? defaultPricesOf(facts.provider);
  }

  private async chargesOf(facts: ClusterFacts, fromMs: number, toMs: number): Promise<ClusterCharges> {
    const [prices, podDays, clusterHours, allotments] = await Promise.all([
      this.pricesOf(facts),
      this.deps.charges.podDays(facts.id, fromMs, toMs),
      this.deps.charges.clusterHours(facts.id, fromMs, toMs),
      this.deps.gate.clusterAllotments(facts.id),
    ]);
    const byOwner = new Map<number, Map<string, Hours>>();
    const slot = (day: number, owner: string): Hours => {
      let owners = byOwner.get(day);
      if (owners === undefined) byOwner.set(day, (owners = new Map<string, Hours>()));
      let hours = owners.get(owner);
      if (hours === undefined) owners.set(owner, (hours = zero()));
      return hours;
    };
    const pods = podDays.map((pod) => ({ ...pod, owner: ownerOf(allotments, pod.namespace) ?? '' }));
    for (const pod of pods) add(slot(pod.day, pod.owner), { cpu: pod.cpuCoreHours, memory: pod.memoryGiBHours, storage: 0 });
    // Volumes have no hourly history: what the claims request now, for every hour the cluster was measured.
    for (const [day, hours] of clusterHours) {
      for (const [namespace, bytes] of facts.storageBytesByNamespace) slot(day, ownerOf(allotments, namespace) ?? '').storage += (bytes / GiB) * hours;
    }
    const idle = new Map<number, Hours>();
    for (const [day, hours] of clusterHours) {
      const charged = zero();
      for (const owned of byOwner.get(day)?.values() ?? []) add(charged, owned);
      idle.set(day, {
        cpu: Math.max(0, facts.cpuCores * hours - charged.cpu),
        memory: Math.max(0, (facts.memoryBytes / GiB) * hours - charged.memory),
        storage: 0,
      });
    }
    return { prices, byOwner, idle, pods };
  }
}
