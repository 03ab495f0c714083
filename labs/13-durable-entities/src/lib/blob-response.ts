import type { Buffer } from 'node:buffer';
import type { HttpResponseInit } from '@azure/functions';

/**
 * A 200 answer carrying a blob's bytes. The content type comes from storage, so people could
 * store HTML or SVG there: `nosniff` stops browsers from guessing another type, and the
 * `sandbox` policy stops scripts in such a file from running as our site.
 */
export function blobResponse(bytes: Buffer, contentType: string): HttpResponseInit {
  return {
    status: 200,
    headers: {
      'Content-Type': contentType,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': 'sandbox',
    },
    body: bytes,
  };
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  avif: 'image/avif',
  gif: 'image/gif',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  json: 'application/json',
  png: 'image/png',
  svg: 'image/svg+xml',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  txt: 'text/plain; charset=utf-8',
  webp: 'image/webp',
};

/**
 * A content type guessed from a file name's extension, for when storage does not tell us
 * (a Blob input binding gives the bytes only). `application/octet-stream` when unknown.
 */
export function contentTypeFor(name: string): string {
  const dot = name.lastIndexOf('.');
  const extension = dot > name.lastIndexOf('/') ? name.slice(dot + 1).toLowerCase() : '';
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}
