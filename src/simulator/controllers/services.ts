/**
 * The cloud service controller: a LoadBalancer Service gets its external address a little while
 * after it asks for one (EnsuringLoadBalancer, then EnsuredLoadBalancer), and loses it when it
 * stops being one. Until then `status.loadBalancer` is empty, as kubectl shows `<pending>`.
 */
import { objectKey } from '../resources.js';
import { writeStatus, type ControllerContext } from './context.js';

export function reconcileService(context: ControllerContext, namespace: string, name: string): void {
  const service = context.store.get('services', objectKey(namespace, name));
  if (service === undefined) return;
  const waitKey = `load-balancer/${service.metadata.uid}`;
  const ingress = service.status.loadBalancer.ingress ?? [];
  const source = { component: 'service-controller' };
  if (service.spec.type !== 'LoadBalancer' || service.metadata.deletionTimestamp !== undefined) {
    context.endWait(waitKey);
    if (ingress.length > 0) {
      writeStatus(context.store, 'services', service, { loadBalancer: {} });
      if (!context.instant) context.events.record({ involvedObject: service, reason: 'DeletedLoadBalancer', message: 'Deleted load balancer', source });
    }
    return;
  }
  if (ingress.length > 0) return;
  if (!context.instant) {
    const { remainingMs, started } = context.waitFor(waitKey, context.pace.loadBalancerDelayMs);
    if (started) context.events.record({ involvedObject: service, reason: 'EnsuringLoadBalancer', message: 'Ensuring load balancer', source });
    if (remainingMs > 0) {
      context.requeueAfter('services', objectKey(namespace, name), remainingMs);
      return;
    }
  }
  context.endWait(waitKey);
  writeStatus(context.store, 'services', service, { loadBalancer: { ingress: [{ ip: context.loadBalancerIP(), ipMode: 'VIP' }] } });
  if (!context.instant) context.events.record({ involvedObject: service, reason: 'EnsuredLoadBalancer', message: 'Ensured load balancer', source });
}
