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
  if (value === undefined || value.trim() === '') return { ok: true, width: DEFAULT_WIDTH };
  const width = /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(width) || width < MIN_WIDTH || width > MAX_WIDTH) {
    return { ok: false, reason: `The width must be a whole number from ${MIN_WIDTH} to ${MAX_WIDTH} (pixels).` };
  }
  return { ok: true, width };
}

/**
 * The thumbnail's blob name: the same input and width always give the same name, so running
 * again overwrites the thumbnail instead of adding another. The source's container and
 * extension stay in the name, so `samples/photo.jpg` and `uploads/photo.png` never collide:
 * `samples/photo.jpg` at width 200 → `samples/photo.jpg-w200.webp`.
 */
export function thumbnailName(container: string, blob: string, width: number): string {
  return `${container}/${blob}-w${width}.webp`;
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
  // 1. The header only: cheap, even for a bomb. Without limitInputPixels: false, sharp's own
  //    limit (about 268 megapixels) throws here already, and a 100000 × 100000 bomb would be
  //    answered "not an image" (415) instead of "too large" (422) below.
  let metadata: Metadata;
  try {
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ImageError(415, `The blob is not an image this API can read. Send ${ACCEPTED_FORMATS_TEXT}.`, {
      cause: error,
    });
  }
  if (!ACCEPTED_FORMATS.has(metadata.format)) {
    throw new ImageError(415, `Images in ${metadata.format} format are not accepted. Send ${ACCEPTED_FORMATS_TEXT}.`);
  }
  const pixels = metadata.width * metadata.height;
  if (pixels > MAX_INPUT_PIXELS) {
    throw new ImageError(
      422,
      `The image is too large to process: ${metadata.width} × ${metadata.height} pixels ` +
        `(${megapixels(pixels)} megapixels). The limit is ${megapixels(MAX_INPUT_PIXELS)} megapixels.`,
    );
  }

  if (metadata.format === 'jpeg' && !jpegIsComplete(input)) {
    throw new ImageError(422, 'The image is damaged or incomplete: the JPEG ends before its end-of-image marker.');
  }

  // 2. Decode for real. limitInputPixels stays on as a second guard. failOn: 'warning' (sharp's
  //    default, written out so it stays) rejects damaged or cut-short pixel data instead of
  //    guessing: with 'error' or 'truncated', a JPEG header followed by random bytes decodes
  //    into a thumbnail of noise.
  try {
    const { data, info } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'warning' })
      .rotate() // apply the EXIF orientation, so the thumbnail is upright
      .resize({ width, withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer({ resolveWithObject: true });
    return { bytes: data, width: info.width, height: info.height, contentType: THUMBNAIL_CONTENT_TYPE };
  } catch (error) {
    throw new ImageError(
      422,
      'The image is damaged or incomplete: its header reads, but its pixels cannot be decoded.',
      {
        cause: error,
      },
    );
  }
}

function megapixels(pixels: number): string {
  return String(Math.round(pixels / 100_000) / 10);
}
