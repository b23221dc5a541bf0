import { createAddressPolicy } from '../../src/infra/egress/address-policy.js';
import { createEgress, type Egress } from '../../src/infra/egress/egress.js';

/** The test services (registries, simulated apiservers) listen on loopback, which the default policy refuses. */
export const LOOPBACK_ALLOWED = ['127.0.0.0/8', '::1'] as const;

export function loopbackEgress(): Egress {
  return createEgress(createAddressPolicy(LOOPBACK_ALLOWED));
}
