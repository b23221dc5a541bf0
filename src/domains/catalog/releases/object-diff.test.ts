import type { JsonObject } from '../rendering/json.js';
import { asStored, diffYaml, driftOf, projectOnto } from './object-diff.js';

const applied = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web', 'kda.io/release': 'r1' } },
  spec: {
    replicas: 2,
    template: {
      metadata: { creationTimestamp: null, labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '0.5' } }, ports: [{ containerPort: 80 }] }] },
    },
  },
};

/** What the API server answers: defaults added, quantities canonical, managers recorded. */
function live(mutate: (object: typeof applied) => void = () => undefined): JsonObject {
  const object = structuredClone(applied);
  mutate(object);
  const [container] = object.spec.template.spec.containers;
  return {
    ...object,
    metadata: {
      ...object.metadata,
      uid: 'u1',
      managedFields: [
        { manager: 'kda-gateway', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
        { manager: 'kubectl-edit', operation: 'Update', fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {} } } } } } } },
      ],
    },
    spec: {
      ...object.spec,
      strategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels: object.spec.template.metadata.labels },
        spec: { containers: [{ ...container!, resources: { requests: { cpu: '500m' } }, ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
      },
    },
    status: { replicas: 2 },
  };
}

describe('drift', () => {
  test('defaults, canonical quantities and fields others added are not drift', () => {
    expect(driftOf(applied, live())).toEqual([]);
  });

  test('a field changed by hand is named, with its value and who owns it now', () => {
    const edited = live((object) => (object.spec.template.spec.containers[0]!.image = 'nginx:hotfix'));
    expect(driftOf(applied, edited)).toEqual([{ path: 'spec.template.spec.containers[name=web].image', applied: 'nginx:1.27', live: 'nginx:hotfix', manager: 'kubectl-edit' }]);
  });

  test('a label taken off and a scaled workload are drift too', () => {
    const edited = live((object) => {
      Reflect.deleteProperty(object.metadata.labels, 'kda.io/release');
      object.spec.replicas = 5;
    });
    expect(driftOf(applied, edited).map((field) => [field.path, field.live])).toEqual([
      ['metadata.labels["kda.io/release"]', undefined],
      ['spec.replicas', 5],
    ]);
  });

  test('a Secret compares its stored data, never showing it', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { key: 'value' } };
    expect(driftOf(secret, asStored(secret))).toEqual([]);
    const changed = driftOf(secret, { ...secret, stringData: undefined, data: { key: Buffer.from('other').toString('base64') } } as never);
    expect(changed).toHaveLength(1);
    expect(JSON.stringify(changed)).not.toContain('value');
    // Nor the live side, in either form.
    expect(JSON.stringify(changed)).not.toContain('other');
    expect(JSON.stringify(changed)).not.toContain(Buffer.from('other').toString('base64'));
    expect(diffYaml(secret)).not.toContain('value');
  });
});

describe('projection of a live object', () => {
  test('keeps only what the manifests speak of (defaults such as a port protocol left out), matching list items by their key', () => {
    expect(projectOnto(live(), [applied])).toEqual({
      ...applied,
      spec: {
        ...applied.spec,
        template: {
          ...applied.spec.template,
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '500m' } }, ports: [{ containerPort: 80 }] }] },
        },
      },
    });
  });
});
