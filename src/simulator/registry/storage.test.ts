import { RegistryStorage, sha256Digest, type RegistryError } from './storage.js';

function pushBlob(storage: RegistryStorage, repository: string, content: Buffer): string {
  const upload = storage.startUpload(repository);
  storage.append(upload, content);
  const digest = sha256Digest(content);
  storage.completeUpload(upload, digest);
  return digest;
}

describe('RegistryStorage', () => {
  it('stores a blob once however many repositories hold it, and counts it once', () => {
    const storage = new RegistryStorage(1_000);
    const content = Buffer.alloc(300, 7);
    pushBlob(storage, 'a/app', content);
    pushBlob(storage, 'b/app', content);
    expect(storage.used()).toBe(300);
    expect(storage.blob('b/app', sha256Digest(content))?.equals(content)).toBe(true);
    expect(storage.blob('c/app', sha256Digest(content))).toBeUndefined();
  });

  it('refuses what would pass the cap, and frees an abandoned upload after it sat idle', () => {
    let now = 0;
    const storage = new RegistryStorage(1_000, () => now);
    const abandoned = storage.startUpload('a/app');
    storage.append(abandoned, Buffer.alloc(800));
    expect(() => storage.append(storage.startUpload('a/app'), Buffer.alloc(300))).toThrow(expect.objectContaining({ status: 413, code: 'DENIED' }) as RegistryError);
    now += 11 * 60_000;
    const fresh = storage.startUpload('a/app');
    expect(storage.used()).toBe(0);
    storage.append(fresh, Buffer.alloc(300));
    expect(storage.used()).toBe(300);
  });

  it('moves a tag to the newest manifest and keeps the old one by digest', () => {
    const storage = new RegistryStorage(10_000);
    const config = pushBlob(storage, 'a/app', Buffer.from('{}'));
    const first = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { digest: config, size: 2 }, layers: [], annotations: { n: '1' } }));
    const second = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { digest: config, size: 2 }, layers: [], annotations: { n: '2' } }));
    storage.putManifest('a/app', 'latest', first, 'application/vnd.oci.image.manifest.v1+json');
    storage.putManifest('a/app', 'latest', second, 'application/vnd.oci.image.manifest.v1+json');
    expect(storage.manifest('a/app', 'latest')?.digest).toBe(sha256Digest(second));
    expect(storage.manifest('a/app', sha256Digest(first))?.bytes.equals(first)).toBe(true);
    expect(storage.tags('a/app')).toEqual(['latest']);
    expect(() => storage.putManifest('a/app', 'v1', Buffer.from('not json'), 'application/json')).toThrow(expect.objectContaining({ code: 'MANIFEST_INVALID' }) as RegistryError);
  });
});
