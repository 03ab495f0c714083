/**
 * Thumbnails with sharp: read the header first, refuse what we should not decode, then
 * decode, turn upright, shrink and encode as WebP.
 */
import type { Buffer } from 'node:buffer';
import sharp, { type Metadata } from 'sharp';

/** Where thumbnails are written. */
export const THUMBNAIL_CONTAINER = 'thumbnails';
export const THUMBNAIL_CONTENT_TYPE = 'image/webp';

export const DEFAULT_WIDTH = 200;
export const MIN_WIDTH = 16;
export const MAX_WIDTH = 1024;

/**
 * The most pixels we agree to decode: 40 megapixels, about 120 MB as RGB. A PNG of a few
 * kilobytes can claim 100 megapixels (a "decompression bomb"), so the limit is on pixels, not bytes.
 */
export const MAX_INPUT_PIXELS = 40_000_000;

/** Formats we decode, by the name sharp gives them (`heif` covers AVIF). */
const ACCEPTED_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif']);
const ACCEPTED_FORMATS_TEXT = 'JPEG, PNG, WebP, GIF, TIFF or AVIF';

/** An image we will not or cannot process, with the HTTP status and message to answer with. */
export class ImageError extends Error {
  override name = 'ImageError';
  readonly status: number;

  constructor(status: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

export interface Thumbnail {
  readonly bytes: Buffer;
  readonly width: number;
  readonly height: number;
  readonly contentType: string;
}

export type WidthResult =
  { readonly ok: true; readonly width: number } | { readonly ok: false; readonly reason: string };

/** `?width=`: absent or blank → 200; otherwise a whole number from 16 to 1024. */
export function parseWidth(value: string | undefined): WidthResult {
  // TODO Step 2: absent or blank → { ok: true, width: DEFAULT_WIDTH }.
  //              Only digits (/^\d+$/) and MIN_WIDTH ≤ width ≤ MAX_WIDTH → { ok: true, width }.
  //              Anything else ("abc", "1.5", "-5", "2000") → { ok: false, reason: '<what a valid width is>' }.
  return { ok: true, width: DEFAULT_WIDTH };
}

/**
 * The thumbnail's blob name: the same input and width always give the same name, so running
 * again overwrites the thumbnail instead of adding another. The source's container and
 * extension stay in the name, so `samples/photo.jpg` and `uploads/photo.png` never collide:
 * `samples/photo.jpg` at width 200 → `samples/photo.jpg-w200.webp`.
 */
export function thumbnailName(container: string, blob: string, width: number): string {
  // TODO Step 3: this gives a new name on every call, so every run adds one more thumbnail.
  //              Build the name from the inputs only: `${container}/${blob}-w${width}.webp`.
  return `${container}/${blob}-${Date.now()}.webp`;
}

/**
 * Whether a JPEG reaches its end-of-image marker (FF D9) after its compressed pixels start (the
 * start-of-scan marker, FF DA). A file cut short, or whose tail was overwritten with zeros, has
 * none; sharp decodes zeros as valid pixels without a warning, so this is checked by hand.
 */
export function jpegIsComplete(input: Buffer): boolean {
  const scan = input.indexOf(JPEG_START_OF_SCAN);
  return scan >= 0 && input.indexOf(JPEG_END_OF_IMAGE, scan + 2) >= 0;
}

const JPEG_START_OF_SCAN = Uint8Array.of(0xff, 0xda);
const JPEG_END_OF_IMAGE = Uint8Array.of(0xff, 0xd9);

/** Makes a WebP thumbnail `width` pixels wide (never wider than the original), upright. */
export async function makeThumbnail(input: Buffer, width: number): Promise<Thumbnail> {
  // TODO Step 4, in this order:
  //   1. metadata = await sharp(input, { limitInputPixels: false }).metadata() — it reads the
  //      header only (and without `false`, sharp's own pixel limit would throw here first). It
  //      throws when `input` is not an image → ImageError(415, …). metadata.format not in
  //      ACCEPTED_FORMATS → 415.
  //   2. metadata.width * metadata.height > MAX_INPUT_PIXELS → ImageError(422, '… too large …').
  //   3. sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'warning' })
  //        .rotate()                                        ← turns it upright (EXIF orientation)
  //        .resize({ width, withoutEnlargement: true })
  //        .webp({ quality: 80 })
  //        .toBuffer({ resolveWithObject: true })          ← { data, info: { width, height } }
  //      Before it, a JPEG that is not jpegIsComplete(input) is damaged → ImageError(422, …).
  //      If that throws, the pixels are damaged → ImageError(422, …).
  //   4. return { bytes: data, width: info.width, height: info.height, contentType: THUMBNAIL_CONTENT_TYPE }
  throw new ImageError(501, 'Not implemented yet: makeThumbnail() in src/lib/thumbnail.ts (lab 04, Step 4).');
}

function megapixels(pixels: number): string {
  return String(Math.round(pixels / 100_000) / 10);
}
