import { parseImage, retagImages, retagValues } from './image-tags.js';

const deployment = (image: string, init?: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { template: { spec: { ...(init === undefined ? {} : { initContainers: [{ name: 'init', image: init }] }), containers: [{ name: 'web', image }] } } },
});

describe('image references', () => {
  it('splits repository, tag and digest, keeping a registry port out of the tag', () => {
    expect(parseImage('127.0.0.1:5000/shop/web:run-2')).toEqual({ repository: '127.0.0.1:5000/shop/web', tag: 'run-2', digest: null });
    expect(parseImage('127.0.0.1:5000/shop/web')).toEqual({ repository: '127.0.0.1:5000/shop/web', tag: null, digest: null });
    expect(parseImage('nginx:1.27@sha256:abc')).toEqual({ repository: 'nginx', tag: '1.27', digest: 'sha256:abc' });
    expect(parseImage('registry:5000/web@sha256:abc')).toEqual({ repository: 'registry:5000/web', tag: null, digest: 'sha256:abc' });
  });

  it('retags only the containers of that repository, init containers included, and leaves the input alone', () => {
    const manifests = [
      deployment('r:5000/shop/web:run-1', 'r:5000/shop/web:run-1'),
      deployment('r:5000/shop/web-admin:run-1'),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } },
    ];
    const { manifests: retagged, replaced } = retagImages(manifests, 'r:5000/shop/web', 'r:5000/shop/web:run-2@sha256:d');
    expect(replaced).toEqual(new Set(['r:5000/shop/web:run-1']));
    expect(JSON.stringify(retagged[0])).not.toContain('run-1');
    expect(retagged[1]).toEqual(manifests[1]);
    expect(JSON.stringify(manifests[0])).not.toContain('run-2');
    // A repository is matched whole: a prefix of it is another repository.
    expect(retagImages(manifests, 'r:5000/shop', 'r:5000/shop:run-2').replaced.size).toBe(0);
  });

  it('writes the new image back into values: whole references, and { repository, tag } pairs', () => {
    const values = {
      image: 'r:5000/shop/web:run-1',
      other: 'r:5000/shop/web:run-1-not',
      pair: { repository: 'r:5000/shop/web', tag: 'run-1' },
      list: ['r:5000/shop/web:run-1'],
      n: 3,
    };
    expect(retagValues(values, new Set(['r:5000/shop/web:run-1']), 'r:5000/shop/web:run-2')).toEqual({
      image: 'r:5000/shop/web:run-2',
      other: 'r:5000/shop/web:run-1-not',
      pair: { repository: 'r:5000/shop/web', tag: 'run-2' },
      list: ['r:5000/shop/web:run-2'],
      n: 3,
    });
  });
});
