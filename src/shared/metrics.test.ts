import { BoundedLabel, createGatewayMetrics, MAX_OPERATION_NAMES, observe } from './metrics.js';

describe('bounded labels', () => {
  test('the first names are kept (truncated), later new ones read "other", known ones stay themselves', () => {
    const names = new BoundedLabel(MAX_OPERATION_NAMES);
    for (let index = 0; index < MAX_OPERATION_NAMES; index += 1) expect(names.of(`Op${index}`)).toBe(`Op${index}`);
    expect(names.of('OneTooMany')).toBe('other');
    expect(names.of('Op7')).toBe('Op7');
    expect(new BoundedLabel(1).of('x'.repeat(500))).toBe('x'.repeat(64));
  });
});

describe('metrics read at scrape time', () => {
  test('samples that are gone disappear; two gateways do not share a registry', async () => {
    const metrics = createGatewayMetrics();
    let clusters = ['a', 'b'];
    observe(metrics.registry, [{ name: 'kda_test_up', help: 'test', labelNames: ['cluster_id'], collect: () => clusters.map((id) => ({ labels: { cluster_id: id }, value: 1 })) }]);
    expect(await metrics.registry.metrics()).toMatch(/^kda_test_up\{cluster_id="b"\} 1$/m);
    clusters = ['a'];
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^kda_test_up\{cluster_id="a"\} 1$/m);
    expect(text).not.toMatch(/cluster_id="b"/);
    expect(await createGatewayMetrics().registry.metrics()).not.toMatch(/kda_test_up/);
  });
});
