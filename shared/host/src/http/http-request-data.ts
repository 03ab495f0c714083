// Turns an incoming request into what the Functions host sends the Node worker for an HTTP
// trigger: RpcHttpData with the "nullable" dictionaries (the Node worker announces
// UseNullableValueDictionaryForHttp), lower-cased header names, repeated headers and query
// keys joined with commas (ASP.NET StringValues), route parameters, and the body as raw bytes
// (RawHttpBodyBytes + RpcHttpBodyOnly). Also builds the binding data that binding expressions
// of the same invocation see: query parameters, route parameters, JSON body properties,
// `Query` and `Headers`.

import type { IncomingMessage } from 'node:http';
import type { RpcHttpData, RpcNullableString, RpcTypedData } from '../core-types.ts';
import type { BindingData } from '../bindings/binding-expressions.ts';

/** Header name (lower case) → values joined with ','. */
export function collectHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return headers;
}

/** Query key (first spelling wins, keys compare case-insensitively) → values joined with ','. */
export function collectQuery(search: string): Record<string, string> {
  const query: Record<string, string> = {};
  const spelling = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(search)) {
    const lower = key.toLowerCase();
    const existing = spelling.get(lower);
    if (existing === undefined) {
      spelling.set(lower, key);
      query[key] = value;
    } else {
      query[existing] = `${query[existing]},${value}`;
    }
  }
  return query;
}

const nullable = (map: Record<string, string>): Record<string, RpcNullableString> =>
  Object.fromEntries(Object.entries(map).map(([k, v]) => [k, { value: v }]));

export interface HttpTriggerInput {
  rpc: RpcHttpData;
  triggerMetadata: Record<string, RpcTypedData>;
  bindingData: BindingData;
}

export function buildHttpTriggerInput(options: {
  req: IncomingMessage;
  /** Absolute URL of the request as the client addressed it. */
  url: URL;
  params: Record<string, string>;
  body: Buffer;
}): HttpTriggerInput {
  const { req, url, params, body } = options;
  const headers = collectHeaders(req);
  const query = collectQuery(url.search);
  const method = (req.method ?? 'GET').toUpperCase();

  const rpc: RpcHttpData = {
    method,
    url: url.href,
    nullableHeaders: nullable(headers),
    nullableQuery: nullable(query),
    nullableParams: nullable(params),
  };
  if (body.length > 0) rpc.body = { bytes: body };

  // Binding data, in the order the HTTP extension builds it (later entries win):
  // JSON body properties, query parameters (except the key `code`), route parameters,
  // then the Query and Headers dictionaries if those names are still free.
  const bindingData: BindingData = {};
  const set = (key: string, value: unknown) => {
    const existing = Object.keys(bindingData).find((k) => k.toLowerCase() === key.toLowerCase());
    if (existing !== undefined) delete bindingData[existing];
    bindingData[key] = value;
  };
  if (body.length > 0) {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        for (const [k, v] of Object.entries(parsed)) set(k, v);
      }
    } catch {
      // Not JSON: the body contributes no binding data.
    }
  }
  for (const [k, v] of Object.entries(query)) if (k.toLowerCase() !== 'code') set(k, v);
  for (const [k, v] of Object.entries(params)) set(k, v);
  const has = (key: string) => Object.keys(bindingData).some((k) => k.toLowerCase() === key.toLowerCase());
  if (!has('Query')) bindingData.Query = { ...query };
  if (!has('Headers')) bindingData.Headers = { ...headers };

  // Trigger metadata in the shape the library reads when it streams requests: route
  // parameters as strings, Query and Headers as JSON.
  const triggerMetadata: Record<string, RpcTypedData> = {
    Query: { json: JSON.stringify(query) },
    Headers: { json: JSON.stringify(headers) },
  };
  for (const [k, v] of Object.entries(params)) triggerMetadata[k] = { string: v };

  return { rpc, triggerMetadata, bindingData };
}
