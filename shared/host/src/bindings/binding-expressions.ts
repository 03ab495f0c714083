// Binding expressions as the WebJobs SDK evaluates them in binding properties such as a blob
// `path`: `{name}` / `{Query.x}` / `{Headers.x}` / `{a.b.c}` look up the trigger's binding data
// (case-insensitively), `{rand-guid}` and `{DateTime}` are built in (with optional format,
// `{DateTime:yyyy}`), `{sys.randguid}`, `{sys.utcnow}`, `{sys.methodname}` come from the system
// binding data, `{{`/`}}` are literal braces, and `%Name%` is replaced by the app setting Name.
// Error messages are the SDK's, so a learner can search them.

import { randomUUID } from 'node:crypto';

/** Trigger binding data: name → value; nested objects are reached with dots. */
export type BindingData = Record<string, unknown>;

export class BindingExpressionError extends Error {
  override name = 'BindingExpressionError';
}

/** Marks values that print like .NET DateTime / Guid values do. */
class DateTimeValue {
  readonly date: Date;
  constructor(date: Date) {
    this.date = date;
  }
}
class GuidValue {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
}

/** Replaces `%Name%` tokens with app settings; an unknown setting is an error. */
export function resolveAppSettings(text: string, getSetting: (name: string) => string | undefined): string {
  return text.replace(/%([^%\s]+)%/g, (_token, name: string) => {
    const value = getSetting(name);
    if (value === undefined) throw new BindingExpressionError(`'%${name}%' does not resolve to a value.`);
    return value;
  });
}

type Token =
  { literal: string } | { parts: string[]; format: string | undefined; builtin: 'rand-guid' | 'datetime' | undefined };

const BUILTINS = ['rand-guid', 'datetime'] as const;
const IDENTIFIER = /^[\p{L}_][\p{L}\p{Nd}\p{Pc}\p{Mn}\p{Mc}\p{Cf}.\-]*$/u;

/** Splits a template into literals and expressions (the grammar of BindingTemplateParser). */
export function parseTemplate(template: string): Token[] {
  const tokens: Token[] = [];
  const rule = /(\{\{|\}\})|\{([^{}]*)\}|([^{}]+)|([{}])/g;
  for (const m of template.matchAll(rule)) {
    const [, escape, parameter, literal, unbalanced] = m;
    if (escape !== undefined) tokens.push({ literal: escape[0]! });
    else if (literal !== undefined) tokens.push({ literal });
    else if (unbalanced !== undefined) {
      throw new BindingExpressionError(
        `Invalid template '${template}'. Missing ${unbalanced === '{' ? 'closing' : 'opening'} bracket at position ${m.index + 1}.`,
      );
    } else if (parameter !== undefined) {
      if (parameter === '') {
        throw new BindingExpressionError(
          `Invalid template '${template}'. The parameter name at position ${m.index + 1} is empty.`,
        );
      }
      tokens.push(parseExpression(template, parameter));
    }
  }
  return tokens;
}

function parseExpression(template: string, expression: string): Token {
  const builtin = BUILTINS.find((b) => expression.toLowerCase().startsWith(b));
  let format: string | undefined;
  let body = expression;
  if (builtin) {
    // Built-ins take their format after the name: {rand-guid:N}, {DateTime:yyyy-MM-dd}.
    const rest = expression.slice(builtin.length);
    if (rest.startsWith(':')) format = rest.slice(1);
    body = expression.slice(0, builtin.length) + (rest.startsWith(':') ? '' : rest);
  } else {
    const colon = expression.indexOf(':');
    if (colon > 0) {
      format = expression.slice(colon + 1);
      body = expression.slice(0, colon);
    }
  }
  if (!builtin && !IDENTIFIER.test(body)) {
    throw new BindingExpressionError(`Invalid template '${template}'. Invalid template expression '${body}`);
  }
  const parts = body.split('.');
  if (!builtin && parts[0]!.includes('-')) {
    throw new BindingExpressionError(`Invalid template '${template}'. The parameter name '${parts[0]}' is invalid.`);
  }
  if (parts.some((p) => p.trim() === '')) {
    throw new BindingExpressionError(`Illegal expression: ${body}`);
  }
  return { parts, format: format?.trim() ? format : undefined, builtin };
}

function getCaseInsensitive(obj: unknown, key: string): { found: boolean; value?: unknown } {
  if (obj instanceof Map) {
    for (const [k, v] of obj) if (String(k).toLowerCase() === key.toLowerCase()) return { found: true, value: v };
    return { found: false };
  }
  if (typeof obj !== 'object' || obj === null) return { found: false };
  if (Object.hasOwn(obj, key)) return { found: true, value: (obj as Record<string, unknown>)[key] };
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lower) return { found: true, value: v };
  return { found: false };
}

/** The `sys` binding data of the SDK: method name, current UTC time, a new GUID per read. */
export function systemBindingData(functionName: string): Record<string, unknown> {
  return {
    get MethodName() {
      return functionName;
    },
    get UtcNow() {
      return new DateTimeValue(new Date());
    },
    get RandGuid() {
      return new GuidValue(randomUUID());
    },
  };
}

function evaluate(token: Exclude<Token, { literal: string }>, data: BindingData): string {
  const [first, ...rest] = token.parts;
  const root = getCaseInsensitive(data, first!);
  let current: unknown;
  if (root.found) {
    current = root.value;
    for (const prop of rest) {
      const next = getCaseInsensitive(current, prop);
      if (!next.found) throw new BindingExpressionError(`Error while accessing '${prop}': property doesn't exist.`);
      current = next.value;
    }
  } else if (token.builtin === 'rand-guid') {
    current = new GuidValue(randomUUID());
  } else if (token.builtin === 'datetime') {
    current = new DateTimeValue(new Date());
  } else {
    throw new BindingExpressionError(`No value for named parameter '${first}'.`);
  }
  return toPathString(current, token.format);
}

/**
 * How the SDK turns a value into text inside a path: strings as they are, numbers in invariant
 * form, GUIDs and dates with their (default or given) format, JSON booleans as True/False;
 * objects and arrays become empty text.
 */
function toPathString(value: unknown, format: string | undefined): string {
  if (value instanceof DateTimeValue) return formatDateTime(value.date, format ?? 'yyyy-MM-ddTHH-mm-ssK');
  if (value instanceof Date) return formatDateTime(value, format ?? 'yyyy-MM-ddTHH-mm-ssK');
  if (value instanceof GuidValue) return formatGuid(value.value, format);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return '';
}

function formatGuid(guid: string, format: string | undefined): string {
  const hex = guid.replaceAll('-', '');
  switch ((format ?? 'D').toUpperCase()) {
    case 'N':
      return hex;
    case 'B':
      return `{${guid}}`;
    case 'P':
      return `(${guid})`;
    case 'D':
      return guid;
    default:
      throw new BindingExpressionError(`Format string can be only "D", "d", "N", "n", "P", "p", "B", "b", "X" or "x".`);
  }
}

/** A .NET custom date format (UTC): yyyy yy MM M dd d HH H hh h mm m ss s f… K tt, 'quoted' and \escaped text. */
export function formatDateTime(date: Date, format: string): string {
  // Standard single-letter formats used in paths.
  if (format === 'o' || format === 'O') return date.toISOString().replace('Z', '0000Z');
  if (format === 's') format = "yyyy-MM-dd'T'HH:mm:ss";
  if (format === 'u') format = "yyyy-MM-dd HH:mm:ss'Z'";
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  let out = '';
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c === "'" || c === '"') {
      const end = format.indexOf(c, i + 1);
      out += format.slice(i + 1, end < 0 ? format.length : end);
      i = end < 0 ? format.length : end + 1;
      continue;
    }
    if (c === '\\') {
      out += format[i + 1] ?? '';
      i += 2;
      continue;
    }
    let run = 1;
    while (format[i + run] === c) run++;
    const h = date.getUTCHours();
    switch (c) {
      case 'y':
        out += run <= 2 ? pad(date.getUTCFullYear() % 100, run) : pad(date.getUTCFullYear(), run);
        break;
      case 'M':
        out += pad(date.getUTCMonth() + 1, Math.min(run, 2));
        break;
      case 'd':
        out += pad(date.getUTCDate(), Math.min(run, 2));
        break;
      case 'H':
        out += pad(h, Math.min(run, 2));
        break;
      case 'h':
        out += pad(h % 12 === 0 ? 12 : h % 12, Math.min(run, 2));
        break;
      case 'm':
        out += pad(date.getUTCMinutes(), Math.min(run, 2));
        break;
      case 's':
        out += pad(date.getUTCSeconds(), Math.min(run, 2));
        break;
      case 'f':
      case 'F':
        out += pad(date.getUTCMilliseconds(), 3).padEnd(run, '0').slice(0, run);
        break;
      case 't':
        out += (h < 12 ? 'AM' : 'PM').slice(0, run);
        break;
      case 'K':
      case 'Z':
        out += c === 'K' ? 'Z' : 'Z'.repeat(run);
        break;
      default:
        out += c.repeat(run);
    }
    i += run;
  }
  return out;
}

/** Resolves every `{expression}` of `template` against `data`. */
export function bindTemplate(template: string, data: BindingData): string {
  return parseTemplate(template)
    .map((t) => ('literal' in t ? t.literal : evaluate(t, data)))
    .join('');
}

/** `%setting%` first (done once per binding in the real host), then `{expressions}`. */
export function resolveBindingExpression(
  template: string,
  data: BindingData,
  getSetting: (name: string) => string | undefined,
): string {
  return bindTemplate(resolveAppSettings(template, getSetting), data);
}
