import type { NodeProjection } from '../../domains/clusters/model.js';
import { clusterStatusOf, type KindHealth } from './cluster-status.js';
import type { ReflectorState } from './reflector.js';

const ok: ReflectorState = { synced: true, healthy: true };
const kind = (name: string, state: ReflectorState = ok, required = false): KindHealth => ({ kind: name, state, required });
const core = (state: ReflectorState = ok): KindHealth[] => ['nodes', 'namespaces', 'pods'].map((name) => kind(name, state, true));
const node = (name: string, ready: boolean): NodeProjection => ({ name, ready }) as NodeProjection;

describe('clusterStatusOf', () => {
  it('is RUNNING when every kind is synced and every node Ready; a kind not served counts as fine', () => {
    expect(clusterStatusOf([...core(), kind('poddisruptionbudgets', { synced: true, healthy: true, absent: true })], [node('n1', true)])).toEqual({ state: 'RUNNING' });
  });

  it('is CONNECTING until every kind has listed', () => {
    expect(clusterStatusOf([...core(), kind('services', { synced: false, healthy: true })], [])).toEqual({ state: 'CONNECTING' });
  });

  it('is UNREACHABLE when the apiserver does not answer for some kind', () => {
    const refused: ReflectorState = { synced: true, healthy: false, error: 'connect ECONNREFUSED' };
    expect(clusterStatusOf([...core(), kind('services', refused)], [])).toEqual({ state: 'UNREACHABLE', reason: 'services: connect ECONNREFUSED' });
  });

  it('is DEGRADED, with every failing kind in the reason, when the apiserver answers with errors', () => {
    const forbidden: ReflectorState = { synced: false, healthy: false, error: 'poddisruptionbudgets is forbidden', statusCode: 403 };
    const broken: ReflectorState = { synced: true, healthy: false, error: 'etcd timeout', statusCode: 500 };
    expect(clusterStatusOf([...core(), kind('poddisruptionbudgets', forbidden), kind('events', broken)], [node('n1', true)])).toEqual({
      state: 'DEGRADED',
      reason: 'poddisruptionbudgets: poddisruptionbudgets is forbidden; events: etcd timeout',
    });
  });

  it('is UNREACHABLE when none of the kinds the gateway needs can be read, even though the server answers', () => {
    const notFound: ReflectorState = { synced: false, healthy: false, error: 'the server could not find the requested resource', statusCode: 404 };
    expect(clusterStatusOf([...core(notFound), kind('services')], []).state).toBe('UNREACHABLE');
  });

  it('is DEGRADED when nodes are NotReady, naming a few of them', () => {
    const nodes = [node('ok', true), ...Array.from({ length: 7 }, (_, index) => node(`bad-${index}`, false))];
    expect(clusterStatusOf(core(), nodes)).toEqual({
      state: 'DEGRADED',
      reason: '7 of 8 nodes NotReady (bad-0, bad-1, bad-2, bad-3, bad-4, +2 more)',
    });
  });
});
