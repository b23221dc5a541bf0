/**
 * The cluster's state from its reflectors' states and its nodes, as a pure function:
 * - UNREACHABLE: the apiserver did not answer (a network failure on any kind), or it answered
 *   but none of the kinds the gateway cannot do without (nodes, namespaces, pods) could be read;
 * - DEGRADED: it answers, but some kind fails (403, 5xx…) or some nodes are NotReady;
 * - CONNECTING: not every kind has been listed yet;
 * - RUNNING otherwise. A kind the apiserver does not serve (404) is simply empty: not a failure.
 */
import type { NodeProjection } from '../../domains/clusters/model.js';
import type { ReflectorState } from './reflector.js';

export type ClusterConnectionState = 'CONNECTING' | 'RUNNING' | 'DEGRADED' | 'UNREACHABLE';

export interface ClusterConnectionStatus {
  readonly state: ClusterConnectionState;
  readonly reason?: string;
  /** ISO time we last heard from the apiserver. */
  readonly lastSeenAt?: string;
}

export interface KindHealth {
  readonly kind: string;
  readonly required: boolean;
  readonly state: ReflectorState;
}

export function clusterStatusOf(kinds: readonly KindHealth[], nodes: readonly NodeProjection[]): ClusterConnectionStatus {
  const failing = kinds.filter((kind) => !kind.state.healthy);
  const describe = (kind: KindHealth): string => `${kind.kind}: ${kind.state.error ?? 'unreachable'}`;
  const unanswered = failing.find((kind) => kind.state.statusCode === undefined);
  if (unanswered !== undefined) return { state: 'UNREACHABLE', reason: describe(unanswered) };
  const required = kinds.filter((kind) => kind.required);
  if (required.length > 0 && required.every((kind) => !kind.state.healthy)) {
    return { state: 'UNREACHABLE', reason: required.map(describe).join('; ') };
  }
  if (failing.length > 0) return { state: 'DEGRADED', reason: failing.map(describe).join('; ') };
  if (!kinds.every((kind) => kind.state.synced)) return { state: 'CONNECTING' };
  const notReady = nodes.filter((node) => !node.ready);
  if (notReady.length > 0) {
    const names = notReady
      .slice(0, 5)
      .map((node) => node.name)
      .join(', ');
    const more = notReady.length > 5 ? `, +${notReady.length - 5} more` : '';
    return { state: 'DEGRADED', reason: `${notReady.length} of ${nodes.length} nodes NotReady (${names}${more})` };
  }
  return { state: 'RUNNING' };
}
