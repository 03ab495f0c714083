import sharp from 'sharp';

/**
 * A distinct, deterministic photo-ish JPEG: a gradient shifted by `seed`, so no two seeds give
 * the same bytes (the tools that load the thumbnail pipeline need many different images).
 */
export async function gradientJpeg(seed: number, width = 800, height = 600): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  // The colour offsets repeat every 256 seeds; a slant that grows with every 256 keeps seeds apart.
  const slant = Math.floor(seed / 256);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      pixels[o] = (x + seed * 7 + slant * y) % 256;
      pixels[o + 1] = (y + seed * 13) % 256;
      pixels[o + 2] = (x + y + seed * 29) % 256;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer();
}
