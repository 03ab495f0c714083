// Images that are not what their headers say, built the way lab 04's checks build them and
// uploaded next to the samples before the matrix runs: a thumbnail of any of them must be a 422,
// never a thumbnail of noise, a blank one, or a host that tries to allocate 10 gigapixels.

import type { Buffer } from 'node:buffer';
import { jpegWithPixels, pngClaiming, sampleImage, type SampleContainer } from '@workshop/samples';

/** Their own container, so the samples a thumbnail job lists stay the samples. */
export const HOSTILE_CONTAINER = 'hostile-images';

export interface HostileImage {
  blob: string;
  what: string;
  contentType: string;
}

export const HOSTILE_IMAGES: readonly HostileImage[] = [
  {
    blob: 'noise.jpg',
    what: "a JPEG header followed by 16 KB of seeded noise (decoders warn, 'truncated' would let it through)",
    contentType: 'image/jpeg',
  },
  {
    blob: 'zeros.jpg',
    what: 'a JPEG header followed by 16 KB of zero bytes (sharp decodes zeros without a warning)',
    contentType: 'image/jpeg',
  },
  {
    blob: 'bomb.png',
    what: "a PNG whose header claims 100000 × 100000 pixels (over sharp's own pixel limit)",
    contentType: 'image/png',
  },
];

/** Uploads every hostile image (container created if missing). */
export async function seedHostileImages(container: SampleContainer): Promise<void> {
  await container.createIfNotExists();
  const photo = (await sampleImage('photo.jpg')).bytes;
  const bytes: Record<string, Buffer> = {
    'noise.jpg': jpegWithPixels(photo, 16_384, 'noise'),
    'zeros.jpg': jpegWithPixels(photo, 16_384, 'zeros'),
    'bomb.png': pngClaiming(100_000, 100_000),
  };
  await Promise.all(
    HOSTILE_IMAGES.map((image) =>
      container
        .getBlockBlobClient(image.blob)
        .uploadData(bytes[image.blob]!, { blobHTTPHeaders: { blobContentType: image.contentType } }),
    ),
  );
}
