// Durable HTTP: `context.df.callHttp` as the Durable extension runs it for out-of-process apps.
//
// Orchestration side (the extension's DurableOrchestrationContext.CallHttpAsync, which the
// OutOfProcOrchestrationShim calls for a CallHttp action, type 8): the request is scheduled as an
// ordinary activity task named `BuiltIn::HttpActivity` whose input is DTFx's parameter array,
// `[DurableHttpRequest]` (Newtonsoft JSON: method, uri, headers, content, tokenSource,
// asynchronousPatternEnabled, retryOptions, timeout). While the answer is a 202 and
// `asynchronousPatternEnabled` is on, the orchestration itself waits with a durable timer (now +
// `Retry-After` seconds as int.Parse reads it, else HttpOptions.DefaultAsyncRequestSleepTimeMilliseconds,
// 30 s) and schedules another `BuiltIn::HttpActivity`: a GET of the `Location` header, with the
// first request's headers (minus `x-functions-key`) and token source. So the history of a polled
// call is TaskScheduled, TaskCompleted(202), TimerCreated, TimerFired, TaskScheduled, … The SDK
// (replay schema V3, CallHttpWithPollingTask) numbers the same timers and calls without sending
// actions for them.
//
// Activity side (the extension's TaskHttpActivityShim): the host sends the request with the
// extension's HttpClient (240 s timeout, redirects followed, a User-Agent naming the extension) and
// answers `DurableHttpResponse` JSON, `{"statusCode":…,"headers":{…},"content":"…"}`, whatever the
// status: a 500 is a response, not a failure. Only response headers are kept (HttpResponseMessage.Headers:
// no Content-Type or Content-Length, which .NET keeps on the content). A request that cannot be
// sent (connection refused, no such host) fails the task with HttpRequestException's message.

import http from 'node:http';
import https from 'node:https';
import type { HistoryEvent } from './history.ts';
import type { ActivityOutcome } from './invokers.ts';

/** HttpOptions.HttpTaskActivityReservedName. */
export const HTTP_ACTIVITY_NAME = 'BuiltIn::HttpActivity';
/** HttpOptions.DefaultAsyncRequestSleepTimeMilliseconds (also the payload's defaultHttpAsyncRequestSleepTimeMillseconds). */
export const DEFAULT_ASYNC_REQUEST_SLEEP_MS = 30_000;
/** DurableHttpClientFactory: `Timeout = TimeSpan.FromSeconds(240)`. */
export const HTTP_CLIENT_TIMEOUT_MS = 240_000;
/** The extension's User-Agent (DurableHttpClientFactory: assembly name / file version; extension 2.13.7). */
export const USER_AGENT = 'Microsoft.Azure.WebJobs.Extensions.DurableTask/2.13.7';
/** SocketsHttpHandler's MaxAutomaticRedirections default. */
const MAX_REDIRECTS = 50;

/** IsDurableHttpTask: an ordinal comparison. */
export function isHttpActivity(name: string): boolean {
  return name === HTTP_ACTIVITY_NAME;
}

type HeaderValues = string | string[];
type Headers = Array<[string, HeaderValues]>;

/** DurableHttpRequest as Newtonsoft writes it, in its declaration order. */
interface DurableHttpRequestJson {
  method: string;
  uri: string | null;
  headers: Record<string, HeaderValues>;
  content: string | null;
  tokenSource: Record<string, unknown> | null;
  asynchronousPatternEnabled: boolean;
  retryOptions: null;
  timeout: null;
}

/** A dictionary with StringComparer.OrdinalIgnoreCase: the first spelling of a name stays, the last value wins. */
function headersFrom(value: unknown): Headers {
  const out: Headers = [];
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    // HttpHeadersConverter: a string, or an array of strings; anything else is no value.
    const values: HeaderValues =
      typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.filter((v) => typeof v === 'string') : [];
    const at = out.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    if (at >= 0) out[at] = [out[at]![0], values];
    else out.push([name, values]);
  }
  return out;
}

function headerObject(headers: Headers): Record<string, HeaderValues> {
  const obj: Record<string, HeaderValues> = {};
  // HttpHeadersConverter.WriteJson: one value as a string, otherwise an array.
  for (const [name, values] of headers) obj[name] = Array.isArray(values) && values.length === 1 ? values[0]! : values;
  return obj;
}

function getHeader(headers: Headers, name: string): HeaderValues | undefined {
  return headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

/** StringValues' implicit conversion to string: null when empty, values joined with ','. */
function asString(values: HeaderValues): string | null {
  if (typeof values === 'string') return values;
  return values.length === 0 ? null : values.join(',');
}

/** The CallHttp action's `httpRequest` (the SDK's DurableHttpRequest) read as the extension reads it. */
function toDurableHttpRequest(raw: unknown): DurableHttpRequestJson {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  let tokenSource: Record<string, unknown> | null = null;
  if (r.tokenSource && typeof r.tokenSource === 'object') {
    const t = r.tokenSource as Record<string, unknown>;
    let resource = typeof t.resource === 'string' ? t.resource : null;
    // ManagedIdentityTokenSource's constructor turns these two resources into scopes.
    if (resource === 'https://management.core.windows.net' || resource === 'https://management.core.windows.net/')
      resource = 'https://management.core.windows.net/.default';
    else if (resource === 'https://graph.microsoft.com' || resource === 'https://graph.microsoft.com/')
      resource = 'https://graph.microsoft.com/.default';
    tokenSource = { kind: t.kind ?? 'AzureManagedIdentity', resource };
    if (t.options !== undefined && t.options !== null) tokenSource.options = t.options;
  }
  return {
    // HttpMethodConverter: a string is taken as it is; anything else is GET.
    method: typeof r.method === 'string' ? r.method : 'GET',
    uri: typeof r.uri === 'string' ? r.uri : null,
    headers: headerObject(headersFrom(r.headers)),
    content: typeof r.content === 'string' ? r.content : null,
    tokenSource,
    asynchronousPatternEnabled: typeof r.asynchronousPatternEnabled === 'boolean' ? r.asynchronousPatternEnabled : true,
    retryOptions: null,
    timeout: null,
  };
}

/** DTFx ScheduleTask(name, version, params object[] parameters): the input is the parameter array. */
function activityInput(request: DurableHttpRequestJson): string {
  return JSON.stringify([request]);
}

// ---- the orchestration side: what the shim's CallHttpAsync schedules ---------------------------

/** A task of the replay simulation (replay.ts's Sim), with the event that settled it. */
export interface ReplayTask {
  readonly outcome: 'ok' | 'failed' | 'canceled' | undefined;
  readonly event?: HistoryEvent | undefined;
  then(listener: () => void): void;
}

export interface CallHttpReplayTools<T extends ReplayTask> {
  /** Schedules an activity task (the next sequence number). */
  activity(name: string, input: string): T;
  /** Schedules a plain DTFx timer (InnerContext.CreateTimer: no long-timer chain). */
  timer(fireAt: Date): T;
  /** The orchestration's CurrentUtcDateTime now. */
  now(): Date;
  /** A task this module settles itself. */
  deferred(): T & { settle(outcome: 'ok' | 'failed'): void };
}

/** .NET int.Parse (invariant culture, NumberStyles.Integer); undefined where it throws. */
function parseInt32(text: string | null): number | undefined {
  if (text === null || !/^[\s]*[+-]?\d+[\s]*$/.test(text)) return undefined;
  const n = Number(text.trim());
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/**
 * `new Uri(locationUri)` on Linux: absolute URIs, and an absolute path as an implicit file URI
 * (which the activity then refuses: "The 'file' scheme is not supported."). Newtonsoft writes the
 * Uri's OriginalString, so the value goes on unchanged.
 */
function locationUri(value: string | null): string | undefined {
  if (value === null) return undefined;
  return value.startsWith('/') || URL.canParse(value) ? value : undefined;
}

/**
 * IDurableOrchestrationContext.CallHttpAsync(DurableHttpRequest): the first call, then while the
 * answer is a 202 and the pattern is on, a timer and a poll of `Location`. Anything the extension
 * throws (a TaskFailed, a Retry-After that int.Parse refuses, no Location) fails the task; the
 * shim ignores it and the SDK decides what the orchestrator sees.
 */
export function replayCallHttp<T extends ReplayTask>(
  httpRequest: unknown,
  tools: CallHttpReplayTools<T>,
  defaultSleepMs = DEFAULT_ASYNC_REQUEST_SLEEP_MS,
): T {
  const request = toDurableHttpRequest(httpRequest);
  const done = tools.deferred();
  const afterResponse = (call: T) => {
    if (call.outcome !== 'ok') return done.settle('failed');
    let status: unknown;
    let headers: Headers = [];
    try {
      const response = JSON.parse(String(call.event?.Result ?? 'null')) as Record<string, unknown>;
      status = response.statusCode;
      headers = headersFrom(response.headers);
    } catch {
      return done.settle('failed');
    }
    if (status !== 202 || !request.asynchronousPatternEnabled) return done.settle('ok');
    const retryAfter = getHeader(headers, 'Retry-After');
    let delayMs = defaultSleepMs;
    if (retryAfter !== undefined) {
      const seconds = parseInt32(asString(retryAfter));
      if (seconds === undefined) return done.settle('failed'); // FormatException before the timer
      delayMs = seconds * 1000;
    }
    const wait = tools.timer(new Date(tools.now().getTime() + delayMs));
    wait.then(() => {
      const location = getHeader(headers, 'Location');
      const uri = location === undefined ? undefined : locationUri(asString(location));
      if (uri === undefined) return done.settle('failed'); // KeyNotFoundException / UriFormatException
      // CreateLocationPollRequest: a GET of Location with the same headers (but x-functions-key),
      // token source and timeout; no content; the pattern on (the constructor's default).
      const poll: DurableHttpRequestJson = {
        method: 'GET',
        uri,
        headers: headerObject(
          headersFrom(request.headers).filter(([name]) => name.toLowerCase() !== 'x-functions-key'),
        ),
        content: null,
        tokenSource: request.tokenSource,
        asynchronousPatternEnabled: true,
        retryOptions: null,
        timeout: null,
      };
      const next = tools.activity(HTTP_ACTIVITY_NAME, activityInput(poll));
      next.then(() => afterResponse(next));
    });
  };
  const first = tools.activity(HTTP_ACTIVITY_NAME, activityInput(request));
  first.then(() => afterResponse(first));
  return done;
}

// ---- the activity side: TaskHttpActivityShim ----------------------------------------------------

/** A .NET exception as the activity would raise it. */
class DotNetError extends Error {
  readonly type: string;
  readonly inner: { type: string; message: string } | undefined;
  /** TaskFailureException (HttpRequestException, a user timeout) or an unhandled exception. */
  readonly handled: boolean;
  constructor(type: string, message: string, handled = false, inner?: { type: string; message: string }) {
    super(message);
    this.type = type;
    this.handled = handled;
    this.inner = inner;
  }
}

/** The headers .NET keeps on HttpContent (HttpContentHeaders), not on the request or response. */
const CONTENT_HEADERS = new Set([
  'allow',
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-length',
  'content-location',
  'content-md5',
  'content-range',
  'content-type',
  'expires',
  'last-modified',
]);

/** Known response headers: .NET names them as its KnownHeaders do, whatever case the server sent. */
const KNOWN_HEADER_NAMES = new Map(
  [
    'Accept-Ranges',
    'Access-Control-Allow-Credentials',
    'Access-Control-Allow-Headers',
    'Access-Control-Allow-Methods',
    'Access-Control-Allow-Origin',
    'Access-Control-Expose-Headers',
    'Access-Control-Max-Age',
    'Age',
    'Alt-Svc',
    'Cache-Control',
    'Connection',
    'Content-Security-Policy',
    'Date',
    'ETag',
    'Keep-Alive',
    'Link',
    'Location',
    'Pragma',
    'Proxy-Authenticate',
    'Proxy-Connection',
    'Proxy-Support',
    'Refresh',
    'Retry-After',
    'Server',
    'Server-Timing',
    'Set-Cookie',
    'Strict-Transport-Security',
    'Trailer',
    'Transfer-Encoding',
    'Upgrade',
    'Vary',
    'Via',
    'Warning',
    'WWW-Authenticate',
    'X-Content-Type-Options',
    'X-Frame-Options',
    'X-Powered-By',
    'X-Request-ID',
    'X-XSS-Protection',
  ].map((n) => [n.toLowerCase(), n]),
);

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

interface PreparedRequest {
  method: string;
  url: URL;
  headers: Array<[string, string]>;
  body: Buffer | undefined;
}

/** ConvertToHttpRequestMessage, but for the token (headers, then content). */
function prepare(request: Record<string, unknown>): Omit<PreparedRequest, 'url'> {
  const method = typeof request.method === 'string' ? request.method : 'GET';
  if (method === '' || !TOKEN.test(method))
    throw new DotNetError('System.FormatException', 'The format of the HTTP method is invalid.');
  let contentType = '';
  const headers: Array<[string, string]> = [];
  for (const [name, values] of headersFrom(request.headers)) {
    const list = typeof values === 'string' ? [values] : values;
    if (name.toLowerCase() === 'content-type') {
      for (const value of list) {
        if (value.includes('multipart'))
          throw new DotNetError(
            'Microsoft.Azure.WebJobs.Extensions.DurableTask.FunctionFailedException',
            'Multipart content is not supported with CallHttpAsync.',
          );
        contentType = value;
      }
      continue;
    }
    if (!TOKEN.test(name))
      throw new DotNetError('System.FormatException', `The header name '${name}' has an invalid format.`);
    if (CONTENT_HEADERS.has(name.toLowerCase()))
      throw new DotNetError(
        'System.InvalidOperationException',
        `Misused header name, '${name}'. Make sure request headers are used with HttpRequestMessage, response headers with HttpResponseMessage, and content headers with HttpContent objects.`,
      );
    for (const value of list) headers.push([name, value]);
  }
  let body: Buffer | undefined;
  if (typeof request.content === 'string') {
    if (contentType === '') contentType = 'text/plain';
    if (contentType.toLowerCase() === 'application/x-www-form-urlencoded') {
      // new StringContent(content, Encoding.UTF8, contentType)
      headers.push(['Content-Type', `${contentType}; charset=utf-8`]);
    } else {
      // new MediaTypeHeaderValue(contentType): a media type alone, no parameters.
      if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\/[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(contentType.trim()))
        throw new DotNetError('System.FormatException', `The format of value '${contentType}' is invalid.`);
      headers.push(['Content-Type', contentType.trim()]);
    }
    body = Buffer.from(request.content, 'utf8');
  }
  // HttpClient adds its DefaultRequestHeaders that the request does not have.
  if (!headers.some(([n]) => n.toLowerCase() === 'user-agent')) headers.push(['User-Agent', USER_AGENT]);
  return { method, headers, body };
}

/** What HttpClient.SendAsync and the handler refuse: no absolute URI, a scheme other than http(s). */
function requestUrl(request: Record<string, unknown>): URL {
  const uri = typeof request.uri === 'string' ? request.uri : null;
  // On Linux, `new Uri("/x")` is file:///x (an implicit file path).
  const url =
    uri === null ? null : uri.startsWith('/') ? new URL(`file://${uri}`) : URL.canParse(uri) ? new URL(uri) : null;
  if (!url)
    throw new DotNetError(
      'System.InvalidOperationException',
      'An invalid request URI was provided. Either the request URI must be an absolute URI or BaseAddress must be set.',
    );
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new DotNetError(
      'System.NotSupportedException',
      `The '${url.protocol.slice(0, -1)}' scheme is not supported.`,
    );
  return url;
}

interface RawResponse {
  status: number;
  rawHeaders: string[];
  body: Buffer;
}

/** SocketException messages on Linux, by the errno Node reports. */
const SOCKET_MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ENOTFOUND: 'Name or service not known',
  EAI_AGAIN: 'Resource temporarily unavailable',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ETIMEDOUT: 'Connection timed out',
};

function sendOnce(req: PreparedRequest, signal: AbortSignal): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const client = req.url.protocol === 'https:' ? https : http;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of req.headers) {
      const had = headers[name];
      headers[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
    }
    if (req.body) headers['Content-Length'] = String(req.body.length);
    const outgoing = client.request(req.url, { method: req.method, headers, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/** SocketsHttpHandler's RedirectHandler: 300–303, 307, 308; POST becomes GET on 300–302, all but HEAD on 303. */
async function send(first: PreparedRequest, signal: AbortSignal): Promise<RawResponse> {
  let req = first;
  for (let redirects = 0; ; redirects++) {
    const response = await sendOnce(req, signal);
    if (![300, 301, 302, 303, 307, 308].includes(response.status) || redirects >= MAX_REDIRECTS) return response;
    const location = headerLines(response.rawHeaders).find(([n]) => n.toLowerCase() === 'location')?.[1];
    if (location === undefined || !URL.canParse(location, req.url.href)) return response;
    const next = new URL(location, req.url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return response;
    if (req.url.protocol === 'https:' && next.protocol === 'http:') return response;
    if (next.hash === '' && req.url.hash !== '') next.hash = req.url.hash;
    let { method, body, headers } = req;
    const toGet =
      ((response.status === 300 || response.status === 301 || response.status === 302) && method === 'POST') ||
      (response.status === 303 && method !== 'HEAD');
    if (toGet) {
      method = 'GET';
      body = undefined;
      headers = headers.filter(([n]) => n.toLowerCase() !== 'content-type');
    }
    headers = headers.filter(([n]) => n.toLowerCase() !== 'authorization');
    req = { method, url: next, headers, body };
  }
}

function headerLines(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/** CreateStringValuesHeaderDictionary(httpResponseMessage.Headers): response headers only. */
function responseHeaders(raw: string[]): Record<string, HeaderValues> {
  const grouped = new Map<string, { name: string; values: string[] }>();
  for (const [name, value] of headerLines(raw)) {
    const key = name.toLowerCase();
    if (CONTENT_HEADERS.has(key)) continue;
    const entry = grouped.get(key) ?? { name: KNOWN_HEADER_NAMES.get(key) ?? name, values: [] };
    entry.values.push(value);
    grouped.set(key, entry);
  }
  const out: Record<string, HeaderValues> = {};
  for (const { name, values } of grouped.values()) out[name] = values.length === 1 ? values[0]! : values;
  return out;
}

/** HttpContent.ReadAsStringAsync: the charset of Content-Type, else UTF-8 (a BOM is dropped). */
function decodeContent(raw: string[], body: Buffer): string {
  const type = headerLines(raw).find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '';
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

function hostAndPort(url: URL): string {
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  return `${url.hostname}:${port}`;
}

/** Utils.SerializeCause: the exception as JSON, which the SDK shows after the reason. */
function serializeCause(err: DotNetError): string {
  return JSON.stringify({
    $type: `${err.type}, ${err.type.startsWith('System.Net.Http') ? 'System.Net.Http' : 'System.Private.CoreLib'}`,
    ClassName: err.type,
    Message: err.message,
    InnerException: err.inner ? { ClassName: err.inner.type, Message: err.inner.message } : null,
    StackTraceString: null,
  });
}

export interface HttpActivityContext {
  log(level: 'information' | 'warning' | 'error', message: string): void;
  /** `BuiltIn::HttpActivity#3 of instance abc`, for the log. */
  label: string;
  /** Tests: the client timeout (240 s). */
  timeoutMs?: number;
}

/** Runs one `BuiltIn::HttpActivity` work item: its TaskScheduled input in, TaskCompleted/TaskFailed out. */
export async function runHttpActivity(
  input: string | null | undefined,
  ctx: HttpActivityContext,
): Promise<ActivityOutcome> {
  let target = '(no request)';
  try {
    let request: Record<string, unknown>;
    try {
      // ReconstructDurableHttpRequest: an IList<DurableHttpRequest>, its first element.
      const parsed: unknown = JSON.parse(String(input));
      const first: unknown = Array.isArray(parsed) ? parsed[0] : undefined;
      if (!first || typeof first !== 'object') throw new Error('not a list of DurableHttpRequest');
      request = first as Record<string, unknown>;
    } catch (err) {
      throw new DotNetError(
        'Newtonsoft.Json.JsonSerializationException',
        `The input of ${HTTP_ACTIVITY_NAME} is not a DurableHttpRequest list: ${(err as Error).message}`,
      );
    }
    const converted = prepare(request);
    target = `${converted.method} ${typeof request.uri === 'string' ? request.uri : '(no uri)'}`;
    const token = request.tokenSource as Record<string, unknown> | null | undefined;
    if (token) {
      // ManagedIdentityTokenSource.GetTokenAsync asks DefaultAzureCredential; this host has none.
      const resource = typeof token.resource === 'string' ? `'${token.resource}'` : 'an unnamed resource';
      throw new DotNetError(
        'Azure.Identity.CredentialUnavailableException',
        `${target} asks for a managed identity token (tokenSource, resource ${resource}), and this local host cannot get Azure AD tokens: ` +
          'it has no managed identity and does not sign in to Azure. Send a token you got yourself in the Authorization header, ' +
          'or run this orchestration under func start or in Azure.',
      );
    }
    const prepared: PreparedRequest = { ...converted, url: requestUrl(request) };
    const timeoutMs = ctx.timeoutMs ?? HTTP_CLIENT_TIMEOUT_MS;
    const signal = AbortSignal.timeout(timeoutMs);
    let response: RawResponse;
    try {
      response = await send(prepared, signal);
    } catch (err) {
      if (signal.aborted)
        throw new DotNetError(
          'System.Threading.Tasks.TaskCanceledException',
          `The request was canceled due to the configured HttpClient.Timeout of ${timeoutMs / 1000} seconds elapsing.`,
          false,
          { type: 'System.TimeoutException', message: 'The operation was canceled.' },
        );
      const code = (err as NodeJS.ErrnoException).code ?? '';
      const socket = SOCKET_MESSAGES[code];
      if (socket)
        throw new DotNetError(
          'System.Net.Http.HttpRequestException',
          `${socket} (${hostAndPort(prepared.url)})`,
          true,
          {
            type: 'System.Net.Sockets.SocketException',
            message: socket,
          },
        );
      throw new DotNetError(
        'System.Net.Http.HttpRequestException',
        'An error occurred while sending the request.',
        true,
        {
          type: 'System.IO.IOException',
          message: (err as Error).message,
        },
      );
    }
    const result = JSON.stringify({
      statusCode: response.status,
      headers: responseHeaders(response.rawHeaders),
      content: decodeContent(response.rawHeaders, response.body),
    });
    ctx.log('information', `Durable HTTP ${ctx.label}: ${target} answered ${response.status}.`);
    return { ok: true, result };
  } catch (err) {
    if (!(err instanceof DotNetError)) throw err;
    ctx.log('error', `Durable HTTP ${ctx.label}: ${target} failed: ${err.message}`);
    // TaskFailureException(ex.Message, ex, details) for HttpRequestException; DTFx's
    // "Unhandled exception while executing task" for anything else.
    const details = err.handled
      ? serializeCause(err)
      : `Unhandled exception while executing task: ${err.type}: ${err.message}` +
        (err.inner ? `\n ---> ${err.inner.type}: ${err.inner.message}` : '');
    return { ok: false, reason: err.message, details };
  }
}
