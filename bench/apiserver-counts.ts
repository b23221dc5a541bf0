/**
 * What a simulated cluster's apiserver was asked, per kind the gateway informs: LIST requests
 * (first pages: a paged list is one LIST), WATCH requests, and watch streams open now.
 */
import { INFORMED_KINDS, LIST_PATHS, type InformedKind } from '../src/infra/k8s/informed-kinds.js';
import type { SimulatedCluster } from '../src/simulator/index.js';

export interface KindCounts {
  readonly kind: InformedKind;
  readonly lists: number;
  readonly watchRequests: number;
  readonly openWatches: number;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function countsByKind(simulator: SimulatedCluster): KindCounts[] {
  return INFORMED_KINDS.map((kind) => {
    const path = escape(LIST_PATHS[kind]);
    return {
      kind,
      lists: simulator.requestCount(new RegExp(`^${path}(\\?(?!(.*&)?watch=(true|1))(?!(.*&)?continue=).*)?$`)),
      watchRequests: simulator.requestCount(new RegExp(`^${path}\\?(.*&)?watch=(true|1)`)),
      openWatches: simulator.watchCount(kind),
    };
  });
}
