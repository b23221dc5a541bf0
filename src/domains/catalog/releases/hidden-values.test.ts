import { maskDriftedField } from './hidden-values.js';
import { driftOf } from './object-diff.js';

describe('hidden values in drift', () => {
  test('are masked inside whole lists and objects, on both sides, not only in plain strings', () => {
    const applied = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'db' },
      spec: { template: { spec: { containers: [{ name: 'db', args: ['--password', 's3cret-pw'] }] } } },
    };
    const live = { ...applied, spec: { template: { spec: { containers: [{ name: 'db', args: ['--password', 's3cret-pw', '--verbose'] }] } } } };
    const fields = driftOf(applied, live).map((field) => maskDriftedField(field, ['s3cret-pw']));
    expect(fields.length).toBeGreaterThan(0);
    expect(JSON.stringify(fields)).not.toContain('s3cret-pw');
    expect(JSON.stringify(fields)).toContain('(hidden)');
  });

  test('a field without hidden values is returned as it is', () => {
    const field = { path: 'spec.replicas', applied: 2, live: 3, manager: 'kubectl' };
    expect(maskDriftedField(field, ['s3cret-pw'])).toEqual(field);
  });
});
