// Images that are not what their headers say, built the way lab 04's checks build them and
// uploaded next to the samples before the matrix runs: a thumbnail of any of them must be a 422,
// never a thumbnail of noise, a blank one, or a host that tries to allocate 10 gigapixels.

import { Buffer } from 'node:buffer';
import { crc32, deflateSync } from 'node:zlib';
import { sampleImage, type SampleContainer } from '@workshop/samples';

/** Their own container, so the samples a thumbnail job lists stay the samples. */
export const HOSTILE_CONTAINER = 'hostile-images';

export interface HostileImage {
  blob: string;
  what: string;
  contentType: string;
}

export const HOSTILE_IMAGES: readonly HostileImage[] = [
  { blob: 'noise.jpg', what: "a JPEG header followed by 16 KB of seeded noise (decoders warn, 'truncated' would let it through)", contentType: 'image/jpeg' },
  { blob: 'zeros.jpg', what: 'a JPEG header followed by 16 KB of zero bytes (sharp decodes zeros without a warning)', contentType: 'image/jpeg' },
  { blob: 'bomb.png', what: "a PNG whose header claims 100000 × 100000 pixels (over sharp's own pixel limit)", contentType: 'image/png' },
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
      container.getBlockBlobClient(image.blob).uploadData(bytes[image.blob]!, { blobHTTPHeaders: { blobContentType: image.contentType } }),
    ),
  );
}

/**
 * `jpeg` up to the end of its SOS segment (where the compressed pixels start), then `length`
 * bytes from a seeded generator (mulberry32), so every run sends the very same bytes, or zeros.
 */
function jpegWithPixels(jpeg: Buffer, length: number, fill: 'noise' | 'zeros'): Buffer {
  let at = 2; // after SOI; every segment is FF xx, then a 2-byte length that counts itself
  while (at + 4 <= jpeg.length && !(jpeg[at] === 0xff && jpeg[at + 1] === 0xda)) at += 2 + jpeg.readUInt16BE(at + 2);
  const header = jpeg.subarray(0, at + 2 + jpeg.readUInt16BE(at + 2));
  const pixels = Buffer.alloc(length);
  let seed = 1;
  for (let i = 0; fill === 'noise' && i < length; i++) {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    pixels[i] = (t ^ (t >>> 14)) >>> 24;
  }
  return Buffer.concat([header, pixels]);
}

/** A tiny, valid PNG whose header claims `width` × `height` pixels (1-bit grey); its data holds one row. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13); // bit depth 1, colour type 0 (grey), deflate, no filter, no interlace
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1 + Math.ceil(width / 8)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
