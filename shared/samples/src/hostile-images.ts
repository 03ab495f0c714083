// A JPEG whose pixels are not what its header promises, for lab 04's checks and `npm run
// bad-input`: a thumbnail of it must be a 422, never a thumbnail of noise or a blank one. Built
// from bytes, deterministically: every run sends the very same bytes.

import { Buffer } from 'node:buffer';

/**
 * `jpeg` up to the end of its SOS segment (where the compressed pixels start), then `length`
 * bytes of pixel data: noise from a seeded generator (mulberry32), which a decoder warns about,
 * or zeros, which sharp decodes into a blank picture without a word.
 */
export function jpegWithPixels(jpeg: Buffer, length: number, fill: 'noise' | 'zeros'): Buffer {
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
