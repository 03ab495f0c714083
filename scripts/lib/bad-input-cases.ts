// The bad-input matrix for the solutions' HTTP functions: for each function, by the name it
// registers, the inputs it must turn down with a 4xx; and for every function the host lists,
// whatever its name, the methods its route does not take. A function the host lists that has
// no entry here is reported "not covered", so a new function cannot slip past the matrix.

import type { FunctionInfo } from '@workshop/host';
import type { RawRequest } from './raw-http.ts';
import {
  ABSURD_WIDTHS,
  BODY_LIMIT_MB,
  DOTTED_BLOB_NAMES,
  FORGED_LOG_LINE,
  FORGED_LOG_LINE_UNICODE,
  HOSTILE_NAMES,
  HUGE,
  JUNK_BODY,
  MALFORMED_JSON,
  OVER_LIMIT_HEADERS,
  query,
} from './bad-input-values.ts';
import { HOSTILE_CONTAINER, HOSTILE_IMAGES } from './hostile-images.ts';

/**
 * Families of inputs the report counts on their own, as hardening figures (inputs and
 * scenarios alike).
 */
export type InputGroup =
  | 'instance-id'
  | 'body-limit'
  | 'host-header'
  | 'management-query'
  | 'wait-loop'
  | 'orchestration-input'
  | 'log-forgery'
  | 'dashboard';

export interface BadInput {
  /** The function or API the input is aimed at. */
  target: string;
  /** What is wrong with it, in a few words. */
  what: string;
  request: RawRequest;
  /**
   * The first lab whose solution can turn this input down; earlier solutions rightly accept it
   * (lab 02's images only checks names, so a blob that does not exist is fine there; batchSize
   * arrives in lab 06). Skipped, and counted as skipped, for earlier labs.
   */
  since?: string;
  /** A family of inputs the report counts on its own, as hardening figures. */
  group?: InputGroup;
  /** The one status that is right (any 4xx otherwise). */
  expectStatus?: number;
}

/** An HTTP function as the matrix calls it. */
export interface HttpFunction {
  name: string;
  /** The path template with the route prefix, e.g. `/api/samples/{name}`. */
  template: string;
  /** Upper-case methods; undefined when the route takes every method. */
  methods: string[] | undefined;
}

export function httpFunctionOf(info: FunctionInfo, origin: string): HttpFunction | undefined {
  if (info.url === undefined) return undefined;
  return { name: info.name, template: info.url.slice(origin.length), methods: info.methods };
}

/** The template with its parameters filled in (already encoded). */
export function pathOf(fn: HttpFunction, params: Record<string, string> = {}): string {
  return fn.template.replace(/\{\*{0,2}([A-Za-z0-9_]+)[^}]*\}/g, (_, name: string) => params[name] ?? 'x');
}

const get = (target: string, what: string, path: string): BadInput => ({
  target,
  what,
  request: { method: 'GET', target: path },
});
const post = (
  target: string,
  what: string,
  path: string,
  body?: string | Buffer,
  headers?: Record<string, string>,
): BadInput => ({
  target,
  what,
  request: { method: 'POST', target: path, ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) },
});

/** A body the app must read and refuse, and one the host must refuse unread (413). */
export function hugeBodies(target: string, path: string): BadInput[] {
  return [
    post(target, 'a 512 KB body of junk', path, JUNK_BODY),
    {
      ...post(target, `a body declared over the ${BODY_LIMIT_MB} MB limit`, path, undefined, OVER_LIMIT_HEADERS),
      group: 'body-limit',
      expectStatus: 413,
    },
  ];
}

type InputTable = (fn: HttpFunction) => BadInput[];

/** Short enough to read in the report, even for the 10,000-digit width. */
const widthLabel = (width: string) => `width ${width.length > 20 ? `of ${width.length} digits` : width}`;

/** Lab 03 is where images starts to read storage: before it, a well-formed name is a 200. */
const READS_STORAGE_SINCE = '03';

/**
 * The `container`/`blob` pair of images, thumbnails and upload watches. `storageSince`: the
 * first lab in which the function asks storage, so a well-formed name of a blob that does not
 * exist is refused (404); undefined when the function never asks (an upload watch waits for it).
 */
function containerAndBlob(
  name: string,
  path: string,
  storageSince: string | undefined,
  extra: Record<string, string> = {},
  method = 'GET',
): BadInput[] {
  const at = (params: Record<string, string>) => `${path}?${query({ ...params, ...extra })}`;
  const send = (what: string, target: string, since?: string): BadInput => ({
    target: name,
    what,
    request: { method, target },
    ...(since ? { since } : {}),
  });
  const inputs = [
    send('no parameters', path),
    send('container only', at({ container: 'samples' })),
    send('blob only', at({ blob: 'photo.jpg' })),
    send('blank names', at({ container: '', blob: '   ' })),
    send('256 path segments', at({ container: 'samples', blob: 'a/'.repeat(255) + 'b' })),
    send('a 10 KB unknown parameter and nothing else', `${path}?junk=${HUGE}`),
    send(
      'percent-encoded traversal %2e%2e%2f',
      `${path}?container=samples&blob=%2e%2e%2f%2e%2e%2fsecret&${query(extra)}`,
    ),
    ...HOSTILE_NAMES.map((n) => send(`container: ${n.what}`, at({ container: n.value, blob: 'photo.jpg' }))),
    ...HOSTILE_NAMES.filter((n) => !n.validBlobName).map((n) =>
      send(`blob: ${n.what}`, at({ container: 'samples', blob: n.value })),
    ),
    // Repeated parameters arrive joined with commas ("samples,photos"), as the Functions host
    // joins them: no container has such a name, so no "first one wins" either.
    send(
      'two containers (?container=samples&container=photos)',
      `${path}?container=samples&container=photos&${query({ blob: 'photo.jpg', ...extra })}`,
    ),
    ...DOTTED_BLOB_NAMES.map(([what, encoded]) =>
      send(`blob: ${what}`, `${path}?container=samples&blob=${encoded}&${query(extra)}`),
    ),
  ];
  if (storageSince === undefined) return inputs;
  return [
    ...inputs,
    send('a container that does not exist', at({ container: 'no-such-container', blob: 'photo.jpg' }), storageSince),
    send('a blob that does not exist', at({ container: 'samples', blob: 'missing.jpg' }), storageSince),
    send('a malformed percent escape', `${path}?container=samples&blob=%E0%A4%A&${query(extra)}`, storageSince),
    ...HOSTILE_NAMES.filter((n) => n.validBlobName).map((n) =>
      send(`blob: ${n.what} (no such blob)`, at({ container: 'samples', blob: n.value }), storageSince),
    ),
  ];
}

const INPUTS: Record<string, InputTable> = {
  hello: (fn) => {
    const path = pathOf(fn);
    return [
      get(fn.name, 'no name', path),
      get(fn.name, 'a blank name', `${path}?name=%20%20%20`),
      get(fn.name, 'an empty name', `${path}?name=`),
      get(fn.name, 'a 10 KB unknown parameter and no name', `${path}?junk=${HUGE}`),
      post(fn.name, 'no body, no name', path),
      post(fn.name, 'a JSON array', path, '[1, 2, 3]', { 'Content-Type': 'application/json' }),
      post(fn.name, 'a JSON string', path, '"Ada"', { 'Content-Type': 'application/json' }),
      post(fn.name, 'a number for the name', path, '{"name": 42}', { 'Content-Type': 'application/json' }),
      post(fn.name, 'null for the name', path, '{"name": null}', { 'Content-Type': 'application/json' }),
      post(fn.name, 'a blank name in JSON', path, '{"name": "  \\t "}', { 'Content-Type': 'application/json' }),
      ...MALFORMED_JSON.map(([what, body]) => post(fn.name, what, path, body, { 'Content-Type': 'application/json' })),
      ...hugeBodies(fn.name, path),
    ];
  },

  images: (fn) => containerAndBlob(fn.name, pathOf(fn), READS_STORAGE_SINCE),

  samples: (fn) => {
    const at = (name: string) => pathOf(fn, { name });
    return [
      get(fn.name, 'a blob that does not exist', at('missing.jpg')),
      get(fn.name, 'dot segments ..', at('..')),
      get(fn.name, 'percent-encoded dot segments %2e%2e', at('%2e%2e')),
      get(fn.name, 'an encoded slash ..%2f..%2fetc%2fpasswd', at('..%2f..%2fetc%2fpasswd')),
      get(fn.name, 'an encoded backslash ..%5c..%5cwindows', at('..%5c..%5cwindows')),
      get(fn.name, 'a raw backslash', at('..\\..\\windows')),
      get(fn.name, 'a NUL byte %00', at('photo%00.jpg')),
      get(fn.name, 'a line break %0d%0a', at('photo%0d%0a.jpg')),
      get(fn.name, 'emoji', at(encodeURIComponent('📷🔥.jpg'))),
      get(fn.name, 'right-to-left override', at(encodeURIComponent('gpj.\u202eexe'))),
      get(fn.name, 'a 10 KB name', at(HUGE)),
      get(fn.name, 'a malformed percent escape', at('%E0%A4%A')),
      get(fn.name, 'a name that is only a space', at('%20')),
      get(fn.name, 'a name ending in a dot', at('photo.')),
      get(fn.name, 'a name ending in an encoded dot %2e', at('photo%2e')),
      get(fn.name, 'a single encoded dot %2e', at('%2e')),
      get(fn.name, 'a name ending in a dot (photo.jpg.)', at('photo.jpg.')),
      get(fn.name, 'a name ending in an encoded slash (photos%2F)', at('photos%2F')),
      get(fn.name, 'a name ending in an encoded backslash (a%5C)', at('a%5C')),
      get(fn.name, 'a forged log line (CR, LF, a timestamp, ESC)', at(encodeURIComponent(FORGED_LOG_LINE))),
      get(
        fn.name,
        'a forged log line between U+2028 and U+2029 (no such blob)',
        at(encodeURIComponent(FORGED_LOG_LINE_UNICODE)),
      ),
    ];
  },

  thumbnails: (fn) => {
    const path = pathOf(fn);
    const at = (params: Record<string, string>) => `${path}?${query(params)}`;
    return [
      ...containerAndBlob(fn.name, path, READS_STORAGE_SINCE, { width: '200' }),
      ...ABSURD_WIDTHS.map((width) =>
        get(fn.name, widthLabel(width), at({ container: 'samples', blob: 'photo.jpg', width })),
      ),
      get(fn.name, 'a truncated image', at({ container: 'samples', blob: 'truncated.jpg', width: '200' })),
      get(fn.name, 'a text file named .jpg', at({ container: 'samples', blob: 'notes.jpg', width: '200' })),
      get(
        fn.name,
        'a decompression bomb (10000 × 10000 px)',
        at({ container: 'samples', blob: 'huge.png', width: '200' }),
      ),
      get(
        fn.name,
        'a blob name too long to name its thumbnail',
        at({ container: 'samples', blob: 'p'.repeat(1020), width: '200' }),
      ),
      post(fn.name, 'POST, a truncated image', at({ container: 'samples', blob: 'truncated.jpg', width: '200' })),
      // 422 and nothing else: the image is there and readable, and it is not a picture.
      ...HOSTILE_IMAGES.map((image) => ({
        ...get(fn.name, image.what, at({ container: HOSTILE_CONTAINER, blob: image.blob, width: '200' })),
        expectStatus: 422,
      })),
    ];
  },

  thumbnailJobs: (fn) => {
    const path = pathOf(fn);
    const at = (params: Record<string, string>) => `${path}?${query(params)}`;
    return [
      post(fn.name, 'no container', path),
      post(fn.name, 'a blank container', at({ container: ' ' })),
      post(fn.name, 'a container that does not exist', at({ container: 'no-such-container' })),
      post(fn.name, 'the thumbnails container itself', at({ container: 'thumbnails' })),
      post(fn.name, 'a 10 KB unknown parameter and no container', `${path}?junk=${HUGE}`),
      post(fn.name, 'a malformed percent escape', `${path}?container=%E0%A4%A`),
      post(
        fn.name,
        'two containers (?container=samples&container=photos)',
        `${path}?container=samples&container=photos`,
      ),
      ...HOSTILE_NAMES.map((n) => post(fn.name, `container: ${n.what}`, at({ container: n.value }))),
      ...ABSURD_WIDTHS.map((width) => post(fn.name, widthLabel(width), at({ container: 'samples', width }))),
      // Lab 05's job has no batches: it takes batchSize as an unknown parameter and starts.
      ...['0', '-1', '101', 'abc', 'NaN', '1e9', '2.5'].map((batchSize) => ({
        ...post(fn.name, `batchSize ${batchSize}`, at({ container: 'samples', batchSize })),
        since: '06',
      })),
      ...MALFORMED_JSON.map(([what, body]) =>
        post(fn.name, `${what}, no container`, path, body, { 'Content-Type': 'application/json' }),
      ),
      ...hugeBodies(fn.name, path),
    ];
  },

  uploadWatches: (fn) => {
    const path = pathOf(fn);
    const at = (params: Record<string, string>) => `${path}?${query(params)}`;
    return [
      // The container need not exist yet (the upload may create it), and a well-formed blob
      // name is what a watch waits for: only malformed names are bad input here.
      ...containerAndBlob(fn.name, path, undefined, { width: '200' }, 'POST'),
      post(fn.name, 'the thumbnails container itself', at({ container: 'thumbnails', blob: 'cat.jpg' })),
      ...ABSURD_WIDTHS.map((width) =>
        post(fn.name, widthLabel(width), at({ container: 'uploads', blob: 'cat.jpg', width })),
      ),
      ...MALFORMED_JSON.map(([what, body]) =>
        post(fn.name, `${what}, no names`, path, body, { 'Content-Type': 'application/json' }),
      ),
      ...hugeBodies(fn.name, path),
    ];
  },

  reviews: (fn) => {
    const path = pathOf(fn);
    const at = (params: Record<string, string>) => `${path}?${query(params)}`;
    return [
      // A review reads its blob before it starts: a blob that does not exist is a 404.
      ...containerAndBlob(fn.name, path, READS_STORAGE_SINCE, { width: '200' }, 'POST'),
      post(fn.name, 'the thumbnails container itself', at({ container: 'thumbnails', blob: 'photo.jpg' })),
      post(fn.name, 'the published container itself', at({ container: 'published', blob: 'photo.jpg' })),
      ...ABSURD_WIDTHS.map((width) =>
        post(fn.name, widthLabel(width), at({ container: 'samples', blob: 'photo.jpg', width })),
      ),
      ...MALFORMED_JSON.map(([what, body]) =>
        post(fn.name, `${what}, no names`, path, body, { 'Content-Type': 'application/json' }),
      ),
      ...hugeBodies(fn.name, path),
    ];
  },

  usage: (fn) => {
    const path = pathOf(fn);
    const at = (params: Record<string, string>) => `${path}?${query(params)}`;
    return [
      get(fn.name, 'no container', path),
      get(fn.name, 'a blank container', at({ container: ' ' })),
      get(fn.name, 'the thumbnails container itself', at({ container: 'thumbnails' })),
      get(fn.name, 'a 10 KB unknown parameter and no container', `${path}?junk=${HUGE}`),
      get(fn.name, 'a malformed percent escape', `${path}?container=%E0%A4%A`),
      get(
        fn.name,
        'two containers (?container=samples&container=photos)',
        `${path}?container=samples&container=photos`,
      ),
      ...HOSTILE_NAMES.map((n) => get(fn.name, `container: ${n.what}`, at({ container: n.value }))),
    ];
  },

  scaleJobs: (fn) => {
    const path = pathOf(fn);
    return [
      ...['0', '-1', '1', '11', '1e9', 'NaN', 'abc', '2.5', '99999', '٢', '📷', HUGE].map((by) =>
        post(
          fn.name,
          `by ${by.length > 20 ? `of ${by.length} characters` : JSON.stringify(by)}`,
          `${path}?${query({ by })}`,
        ),
      ),
      post(fn.name, 'a malformed percent escape', `${path}?by=%E0%A4%A`),
      post(fn.name, 'by: a forged log line (CR, LF, a timestamp, ESC)', `${path}?${query({ by: FORGED_LOG_LINE })}`),
      post(fn.name, 'two values (?by=2&by=3)', `${path}?by=2&by=3`),
      // Without a bad `by` the job would start: the body is not what it reads.
      ...hugeBodies(fn.name, path).map((input) => ({
        ...input,
        what: `${input.what}, and by=0`,
        request: { ...input.request, target: `${path}?by=0` },
      })),
    ];
  },
};

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];

/** Every method the route does not take: the host answers 404, as the Functions host does. */
function wrongMethods(fn: HttpFunction): BadInput[] {
  if (fn.methods === undefined) return [];
  const path = pathOf(fn, { name: 'photo.jpg' });
  return METHODS.filter((m) => !fn.methods!.includes(m)).map((method) => ({
    target: fn.name,
    what: `method ${method}`,
    request: { method, target: path, ...(method === 'GET' || method === 'HEAD' ? {} : { body: '{}' }) },
  }));
}

/** Paths next to the function's own: one segment more, and one more with an encoded traversal in it. */
function neighbouringPaths(fn: HttpFunction): BadInput[] {
  const method = fn.methods?.[0] ?? 'GET';
  const path = pathOf(fn, { name: 'photo.jpg' });
  return [
    { target: fn.name, what: 'an extra path segment', request: { method, target: `${path}/extra` } },
    {
      target: fn.name,
      what: 'traversal out of the route %2e%2e%2f',
      request: { method, target: `${path}/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd` },
    },
  ];
}

export interface FunctionInputs {
  fn: HttpFunction;
  inputs: BadInput[];
  /** False when the matrix has no inputs of its own for this function. */
  covered: boolean;
}

export function inputsFor(fn: HttpFunction): FunctionInputs {
  const own = INPUTS[fn.name]?.(fn);
  return { fn, inputs: [...(own ?? []), ...wrongMethods(fn), ...neighbouringPaths(fn)], covered: own !== undefined };
}

/** A request each function answers 200/201 when all is well: asked after the matrix, to prove the host still serves. */
export function knownGood(fn: HttpFunction): RawRequest | undefined {
  switch (fn.name) {
    case 'hello':
      return { method: 'GET', target: `${pathOf(fn)}?name=Ada` };
    case 'images':
      return { method: 'GET', target: `${pathOf(fn)}?container=samples&blob=photo.jpg` };
    case 'samples':
      return { method: 'GET', target: pathOf(fn, { name: 'photo.jpg' }) };
    case 'thumbnails':
      return { method: 'GET', target: `${pathOf(fn)}?container=samples&blob=photo.jpg&width=64` };
    default:
      // The job starters answer 202 and leave an orchestration running: not a probe to repeat per app.
      return undefined;
  }
}
