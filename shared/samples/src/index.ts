/**
 * @workshop/samples — the workshop's sample images, generated at runtime with sharp.
 *
 * No binary files live in git: every image is drawn from code, so the same sharp version
 * always produces the same bytes. The buffers are generated once per process, and kept on disk
 * for the next process with the same drawing code and sharp (drawn-cache.ts).
 */
import { Buffer } from 'node:buffer';
import { crc32, deflateSync } from 'node:zlib';
import { drawnOnce } from './drawn-cache.ts';

/** What a sample is for. */
export type SampleKind =
  /** A valid image of a format the labs accept. */
  | 'image'
  /** Starts like a real image (its header reads fine) but its pixel data is cut short. */
  | 'corrupt'
  /** Named like an image, but not an image at all. */
  | 'not-image'
  /** Small in bytes, huge in pixels: a decompression bomb. */
  | 'bomb';

export interface SampleImage {
  /** Blob name, e.g. `photo.jpg`. */
  readonly name: string;
  /** The content type the blob is uploaded with. */
  readonly contentType: string;
  /** The file's bytes. Shared between callers: do not modify. */
  readonly bytes: Buffer;
  readonly kind: SampleKind;
  /** Pixel size as the image is displayed (EXIF orientation applied). Absent unless kind is 'image' or 'bomb'. */
  readonly width?: number;
  readonly height?: number;
  /** One line for people: what the sample is and what it tests. */
  readonly description: string;
}

/** The container the samples are uploaded to. */
export const SAMPLES_CONTAINER = 'samples';

/**
 * The part of `ContainerClient` (from `@azure/storage-blob`) that `seedSamples` uses.
 * A real `ContainerClient` fits; this package does not depend on the SDK itself.
 */
export interface SampleContainer {
  createIfNotExists(): Promise<unknown>;
  getBlockBlobClient(blobName: string): {
    uploadData(data: Buffer, options: { blobHTTPHeaders: { blobContentType: string } }): Promise<unknown>;
  };
}

let cache: Promise<readonly SampleImage[]> | undefined;

/**
 * All sample images, drawn on first call (or read as drawn before, drawn-cache.ts) and kept for
 * the life of the process.
 */
export async function sampleImages(): Promise<SampleImage[]> {
  cache ??= drawnOnce('samples', async () => [...(await generate())]).catch((error: unknown) => {
    cache = undefined; // let a later call try again
    throw error;
  });
  return [...(await cache)];
}

/** One sample by name; throws if there is no such sample. */
export async function sampleImage(name: string): Promise<SampleImage> {
  const found = (await sampleImages()).find((sample) => sample.name === name);
  if (!found) throw new Error(`No sample image named "${name}".`);
  return found;
}

/**
 * Uploads every sample to `container` (created if missing), each with its content type, or only
 * those `names` lists: a check whose jobs need not meet every kind of image runs them on fewer.
 * Safe to run again: existing blobs are overwritten with the same bytes.
 */
export async function seedSamples(container: SampleContainer, names?: readonly string[]): Promise<void> {
  await container.createIfNotExists();
  const samples = names ? await Promise.all(names.map((name) => sampleImage(name))) : await sampleImages();
  await Promise.all(
    samples.map((sample) =>
      container
        .getBlockBlobClient(sample.name)
        .uploadData(sample.bytes, { blobHTTPHeaders: { blobContentType: sample.contentType } }),
    ),
  );
}

/** The container the large photo (lab 07) is uploaded to, apart from the samples. */
export const PHOTOS_CONTAINER = 'photos';

let poster: Promise<SampleImage> | undefined;

/**
 * `poster.jpg`: a 900 × 600 JPEG of about 127 KB (grain makes it hard to compress), kept out of
 * `sampleImages()` so the labs that count the samples are not affected. As base64 it is about
 * 170 KB: far over a 64 KB queue message, the point of lab 07.
 */
export async function posterImage(): Promise<SampleImage> {
  poster ??= drawnOnce('poster', async () => [await drawPoster()])
    .then(([drawn]) => drawn!)
    .catch((error: unknown) => {
      poster = undefined;
      throw error;
    });
  return poster;
}

async function drawPoster(): Promise<SampleImage> {
  const sharp = await loadSharp();
  const bytes = await sharp(grainy(900, 600), { raw: { width: 900, height: 600, channels: 3 } })
    .jpeg({ quality: 75 })
    .toBuffer();
  return Object.freeze({
    name: 'poster.jpg',
    contentType: 'image/jpeg',
    bytes,
    kind: 'image' as const,
    width: 900,
    height: 600,
    description:
      'A 900 × 600 JPEG of about 127 KB (a grainy gradient): as base64, far more than a 64 KB queue message.',
  });
}

/** Uploads `poster.jpg` to `container` (created if missing). Safe to run again. */
export async function seedPhotos(container: SampleContainer): Promise<void> {
  await container.createIfNotExists();
  const photo = await posterImage();
  await container
    .getBlockBlobClient(photo.name)
    .uploadData(photo.bytes, { blobHTTPHeaders: { blobContentType: photo.contentType } });
}

/**
 * sharp, loaded when an image is first drawn: a lab check's process imports this package
 * through the test kit whether or not it seeds any images (labs 01 and 02 never do).
 */
async function loadSharp(): Promise<typeof import('sharp').default> {
  return (await import('sharp')).default;
}

async function generate(): Promise<readonly SampleImage[]> {
  const sharp = await loadSharp();
  const photo = await sharp(gradient(1200, 800), { raw: { width: 1200, height: 800, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer();

  const badge = await sharp(disc(512), { raw: { width: 512, height: 512, channels: 4 } })
    .png({ compressionLevel: 9 })
    .toBuffer();

  const small = await sharp(gradient(160, 120), { raw: { width: 160, height: 120, channels: 3 } })
    .webp({ quality: 80 })
    .toBuffer();

  // Stored 400 × 200 (landscape) with EXIF Orientation 6 = "rotate 90° clockwise to display",
  // so viewers show it 200 × 400 (portrait). The red band is on top once it is shown upright.
  const rotated = await sharp(arrow(400, 200), { raw: { width: 400, height: 200, channels: 3 } })
    .jpeg({ quality: 85 })
    .withMetadata({ orientation: 6 })
    .toBuffer();

  // The first 40 % of a real JPEG: its header (and so its size) reads fine, its pixels do not.
  const truncated = Buffer.from(photo.subarray(0, Math.floor(photo.length * 0.4)));

  const notes = Buffer.from(
    'Shopping list\n- flour\n- eggs\n- milk\n\nThis is a text file, even though its name ends in .jpg.\n',
    'utf8',
  );

  const images: SampleImage[] = [
    {
      name: 'photo.jpg',
      contentType: 'image/jpeg',
      bytes: photo,
      kind: 'image',
      width: 1200,
      height: 800,
      description: 'A 1200 × 800 JPEG (a colour gradient with a checker pattern).',
    },
    {
      name: 'badge.png',
      contentType: 'image/png',
      bytes: badge,
      kind: 'image',
      width: 512,
      height: 512,
      description: 'A 512 × 512 PNG with transparency (a disc on a transparent background).',
    },
    {
      name: 'small.webp',
      contentType: 'image/webp',
      bytes: small,
      kind: 'image',
      width: 160,
      height: 120,
      description: 'A 160 × 120 WebP, smaller than the default thumbnail width.',
    },
    {
      name: 'rotated.jpg',
      contentType: 'image/jpeg',
      bytes: rotated,
      kind: 'image',
      width: 200,
      height: 400,
      description:
        'A JPEG stored as 400 × 200 with EXIF orientation 6, so it displays as 200 × 400 (portrait), red band on top.',
    },
    {
      name: 'truncated.jpg',
      contentType: 'image/jpeg',
      bytes: truncated,
      kind: 'corrupt',
      description: 'The first 40 % of photo.jpg: the header says 1200 × 800, the pixel data stops early.',
    },
    {
      name: 'notes.jpg',
      contentType: 'image/jpeg',
      bytes: notes,
      kind: 'not-image',
      description: 'A plain text file named (and labelled) like a JPEG.',
    },
    {
      name: 'huge.png',
      contentType: 'image/png',
      bytes: bombPng(10_000, 10_000),
      kind: 'bomb',
      width: 10_000,
      height: 10_000,
      description:
        'A 10000 × 10000 PNG (100 megapixels) of about 12 KB: a decompression bomb. Decoded, it takes 100 MB as greyscale, 300 MB as RGB.',
    },
  ];
  return Object.freeze(images.map((image) => Object.freeze(image)));
}

/** RGB pixels: red grows left to right, green top to bottom, blue checks every 32 pixels. */
function gradient(width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = Math.round((255 * x) / (width - 1));
      pixels[i + 1] = Math.round((255 * y) / (height - 1));
      pixels[i + 2] = ((x >> 5) + (y >> 5)) % 2 === 0 ? 60 : 200;
    }
  }
  return pixels;
}

/** RGB pixels: a gradient with stripes and checks, plus deterministic grain (a seeded PRNG). */
function grainy(width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  let seed = 0x2017;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const clamp = (value: number) => Math.max(0, Math.min(255, Math.round(value)));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const grain = (random() - 0.5) * 48;
      pixels[i] = clamp(((255 * x) / (width - 1)) * 0.7 + 40 + grain);
      pixels[i + 1] = clamp(120 + 80 * Math.sin(y / 40) + grain);
      pixels[i + 2] = clamp((((x >> 6) + (y >> 6)) % 2 === 0 ? 70 : 190) + grain);
    }
  }
  return pixels;
}

/** RGBA pixels: an opaque teal disc on a fully transparent square. */
function disc(size: number): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const centre = (size - 1) / 2;
  const radius = size * 0.45;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (Math.hypot(x - centre, y - centre) > radius) continue;
      const i = (y * size + x) * 4;
      pixels[i] = 0;
      pixels[i + 1] = 128;
      pixels[i + 2] = 128;
      pixels[i + 3] = 255;
    }
  }
  return pixels;
}

/**
 * RGB pixels for the rotated sample, as stored (landscape). Orientation 6 turns the stored
 * image 90° clockwise for display, so the stored left edge becomes the displayed top:
 * a red band on the left here is a red band on top when displayed; the rest is light grey.
 */
function arrow(width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const red = x < width / 4;
      pixels[i] = red ? 220 : 230;
      pixels[i + 1] = red ? 30 : 230;
      pixels[i + 2] = red ? 30 : 230;
    }
  }
  return pixels;
}

/**
 * A valid, all-black, 1-bit greyscale PNG written by hand, so making it does not cost
 * what decoding it would. Every row is a filter byte plus width/8 zero bytes; zlib squeezes
 * the whole lot into a few kilobytes.
 */
function bombPng(width: number, height: number, rows = height): Buffer {
  const rowBytes = 1 + Math.ceil(width / 8);
  const idat = deflateSync(Buffer.alloc(rowBytes * rows), { level: 9 });
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // colour type: greyscale
  header[10] = 0; // compression: deflate
  header[11] = 0; // filter method
  header[12] = 0; // no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A tiny PNG whose header claims `width` × `height` pixels (1-bit grey) while its data holds one
 * row: a header check must refuse it, since its size says nothing (100000 × 100000 in 92 bytes).
 */
export function pngClaiming(width: number, height: number): Buffer {
  return bombPng(width, height, 1);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export { jpegWithPixels } from './hostile-images.ts';
