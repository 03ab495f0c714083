import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { posterImage, sampleImage, sampleImages, seedSamples, type SampleContainer } from '../src/index.ts';

describe('@workshop/samples', () => {
  it('generates the same bytes twice, and caches them', async () => {
    const first = await sampleImages();
    const second = await sampleImages();
    expect(second.map((s) => s.name)).toEqual(first.map((s) => s.name));
    for (const [i, sample] of first.entries()) expect(second[i]?.bytes).toBe(sample.bytes);
  });

  it('has unique names and at least one sample of every kind', async () => {
    const samples = await sampleImages();
    expect(new Set(samples.map((s) => s.name)).size).toBe(samples.length);
    for (const kind of ['image', 'corrupt', 'not-image', 'bomb'] as const) {
      expect(
        samples.some((s) => s.kind === kind),
        kind,
      ).toBe(true);
    }
  });

  it('images decode to their stated, displayed size and format', async () => {
    for (const sample of (await sampleImages()).filter((s) => s.kind === 'image')) {
      const meta = await sharp(sample.bytes).metadata();
      expect(`image/${meta.format}`, sample.name).toBe(sample.contentType);
      expect(meta.autoOrient, sample.name).toEqual({ width: sample.width, height: sample.height });
      await sharp(sample.bytes).resize(32).toBuffer(); // decodes fully
    }
  });

  it('covers png, jpeg and webp', async () => {
    const types = new Set((await sampleImages()).filter((s) => s.kind === 'image').map((s) => s.contentType));
    expect([...types].sort()).toEqual(['image/jpeg', 'image/png', 'image/webp']);
  });

  it('rotated.jpg is stored landscape with EXIF orientation 6, and displays portrait', async () => {
    const meta = await sharp((await sampleImage('rotated.jpg')).bytes).metadata();
    expect([meta.width, meta.height, meta.orientation]).toEqual([400, 200, 6]);
    const upright = await sharp((await sampleImage('rotated.jpg')).bytes)
      .rotate()
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([upright.info.width, upright.info.height]).toEqual([200, 400]);
    // the red band is on top once displayed upright
    const top = upright.data.subarray(0, 3);
    expect(top[0]).toBeGreaterThan(150);
    expect(top[1]).toBeLessThan(100);
  });

  it('truncated.jpg has a readable header but fails to decode', async () => {
    const { bytes } = await sampleImage('truncated.jpg');
    expect((await sharp(bytes).metadata()).format).toBe('jpeg');
    await expect(sharp(bytes).resize(32).toBuffer()).rejects.toThrow();
  });

  it('notes.jpg is not an image', async () => {
    const { bytes } = await sampleImage('notes.jpg');
    await expect(sharp(bytes).metadata()).rejects.toThrow(/unsupported image format/);
  });

  it('huge.png is 100 megapixels in under 64 KB', async () => {
    const { bytes } = await sampleImage('huge.png');
    expect(bytes.length).toBeLessThan(64 * 1024);
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 10_000, 10_000]);
    await expect(sharp(bytes, { limitInputPixels: 40_000_000 }).resize(32).toBuffer()).rejects.toThrow(/pixel limit/);
  });

  it('seedSamples creates the container and uploads every sample with its content type', async () => {
    const uploads = new Map<string, string>();
    let created = 0;
    const container: SampleContainer = {
      createIfNotExists: async () => {
        created++;
      },
      getBlockBlobClient: (name) => ({
        uploadData: async (_data, options) => {
          uploads.set(name, options.blobHTTPHeaders.blobContentType);
        },
      }),
    };
    await seedSamples(container);
    expect(created).toBe(1);
    const samples = await sampleImages();
    expect(Object.fromEntries(uploads)).toEqual(Object.fromEntries(samples.map((s) => [s.name, s.contentType])));
  });

  it('seedSamples uploads only the samples named, and refuses a name no sample has', async () => {
    const uploads: string[] = [];
    const container: SampleContainer = {
      createIfNotExists: async () => undefined,
      getBlockBlobClient: (name) => ({
        uploadData: async () => {
          uploads.push(name);
        },
      }),
    };
    await seedSamples(container, ['badge.png', 'small.webp']);
    expect(uploads.sort()).toEqual(['badge.png', 'small.webp']);
    await expect(seedSamples(container, ['cat.gif'])).rejects.toThrow('No sample image named "cat.gif".');
  });

  it('poster.jpg is a 900 × 600 JPEG far over 64 KB as base64, the same bytes every time', async () => {
    const poster = await posterImage();
    const meta = await sharp(poster.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 900, 600]);
    expect(poster.bytes.toString('base64').length).toBeGreaterThan(128 * 1024);
    expect((await posterImage()).bytes).toBe(poster.bytes);
    expect((await sampleImages()).some((s) => s.name === poster.name)).toBe(false);
  });
});
