import type { WorkloadInPicture } from './picture.js';

export interface ImageInPicture {
  readonly image: string;
  readonly repository: string;
  /** null: no tag (a digest, or the implicit latest). */
  readonly tag: string | null;
  readonly workloads: readonly string[];
}

/** `registry:5000/team/app:1.2@sha256:…` → repository `registry:5000/team/app`, tag `1.2`. */
export function splitImage(image: string): { repository: string; tag: string | null } {
  const withoutDigest = image.split('@')[0] ?? image;
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > withoutDigest.lastIndexOf('/')) return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) || null };
  return { repository: withoutDigest, tag: null };
}

/** The distinct images the map's workloads run, in order of first appearance, with who runs them. */
export function imagesOf(workloads: readonly WorkloadInPicture[]): ImageInPicture[] {
  const byImage = new Map<string, string[]>();
  for (const entry of workloads) {
    for (const image of entry.object.images) {
      if (image === '') continue;
      const users = byImage.get(image) ?? [];
      if (!users.includes(entry.object.name)) users.push(entry.object.name);
      byImage.set(image, users);
    }
  }
  return [...byImage].map(([image, users]) => ({ image, ...splitImage(image), workloads: users }));
}
