/**
 * The cluster's ingress controller: an Ingress gets the controller's address (one load balancer
 * for all of them, as with ingress-nginx) a little while after it is created, like a Service of
 * type LoadBalancer does.
 */
import { objectKey } from '../resources.js';
import { writeStatus, type ControllerContext } from './context.js';

export function reconcileIngress(context: ControllerContext, namespace: string, name: string): void {
  const ingress = context.store.get('ingresses', objectKey(namespace, name));
  if (ingress === undefined || ingress.metadata.deletionTimestamp !== undefined) return;
  if ((ingress.status.loadBalancer.ingress ?? []).length > 0) return;
  const waitKey = `ingress/${ingress.metadata.uid}`;
  const source = { component: 'nginx-ingress-controller' };
  if (!context.instant) {
    const { remainingMs, started } = context.waitFor(waitKey, context.pace.loadBalancerDelayMs);
    if (started) context.events.record({ involvedObject: ingress, reason: 'Sync', message: 'Scheduled for sync', source });
    if (remainingMs > 0) {
      context.requeueAfter('ingresses', objectKey(namespace, name), remainingMs);
      return;
    }
  }
  context.endWait(waitKey);
  writeStatus(context.store, 'ingresses', ingress, { loadBalancer: { ingress: [{ ip: context.ingressAddress() }] } });
}
