// HTTP trigger routes as the Functions host maps them (ASP.NET Core route templates under the
// host.json route prefix): literal segments match case-insensitively, `{param}`, optional
// `{param?}`, defaults `{param=value}`, inline constraints `{id:int}`, `{x:regex(^a+$)}`, and a
// catch-all `{*rest}` as last segment. Routes are tried in the host's order (WebJobsRouteBuilder):
// literal segments before parameters, constrained before unconstrained, longer before shorter.
// The HTTP method is a route constraint too: a route whose methods do not include the request's
// simply does not match — the real host then answers 404, not 405.

export interface RouteParameter {
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue: string | undefined;
  constraints: Array<{ name: string; test: (value: string) => boolean }>;
}

type Part = { literal: string } | { parameter: RouteParameter };

interface Segment {
  parts: Part[];
  /** Anchored, case-insensitive regex for a segment made of several parts (`{name}.{ext}`). */
  complex: RegExp | undefined;
}

export interface CompiledRoute<T> {
  /** The template as written, without the prefix. */
  template: string;
  segments: Segment[];
  parameters: RouteParameter[];
  /** Upper-case methods; undefined = all methods. */
  methods: string[] | undefined;
  target: T;
}

export class RouteTemplateError extends Error {
  override name = 'RouteTemplateError';
}

const intPattern = /^[-+]?\d+$/;
const numberPattern = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const guidPattern = /^[{(]?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}[)}]?$/i;

function argsOf(raw: string | undefined): string[] {
  return raw === undefined ? [] : raw.split(',').map((a) => a.trim());
}

function numberArg(template: string, constraint: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isFinite(n)) {
    throw new RouteTemplateError(
      `The route template '${template}' has an invalid argument for the constraint '${constraint}'.`,
    );
  }
  return n;
}

/** The inline constraints of ASP.NET Core routing. */
function makeConstraint(template: string, spec: string): { name: string; test: (v: string) => boolean } {
  const m = /^([A-Za-z]+)(?:\((.*)\))?$/s.exec(spec);
  if (!m) throw new RouteTemplateError(`The constraint reference '${spec}' could not be resolved to a type.`);
  const name = m[1]!.toLowerCase();
  const raw = m[2];
  const args = argsOf(raw);
  const n = (i: number) => numberArg(template, spec, args[i]);
  switch (name) {
    case 'int':
      return {
        name,
        test: (v) =>
          intPattern.test(v) && Math.abs(Number(v)) <= 2 ** 31 && Number(v) >= -(2 ** 31) && Number(v) < 2 ** 31,
      };
    case 'long':
      return { name, test: (v) => intPattern.test(v) && BigInt(v) >= -(2n ** 63n) && BigInt(v) < 2n ** 63n };
    case 'bool':
      return { name, test: (v) => /^(true|false)$/i.test(v) };
    case 'guid':
      return { name, test: (v) => guidPattern.test(v) };
    case 'datetime':
      return { name, test: (v) => !Number.isNaN(Date.parse(v)) };
    case 'decimal':
    case 'double':
    case 'float':
      return { name, test: (v) => numberPattern.test(v) };
    case 'alpha':
      return { name, test: (v) => /^[a-z]*$/i.test(v) };
    case 'required':
      return { name, test: (v) => v !== '' };
    case 'nonfile':
      return { name, test: (v) => !/\.[^/]+$/.test(v) };
    case 'file':
      return { name, test: (v) => /\.[^/]+$/.test(v) };
    case 'min': {
      const min = n(0);
      return { name, test: (v) => intPattern.test(v) && Number(v) >= min };
    }
    case 'max': {
      const max = n(0);
      return { name, test: (v) => intPattern.test(v) && Number(v) <= max };
    }
    case 'range': {
      const [min, max] = [n(0), n(1)];
      return { name, test: (v) => intPattern.test(v) && Number(v) >= min && Number(v) <= max };
    }
    case 'length': {
      if (args.length === 1) {
        const len = n(0);
        return { name, test: (v) => v.length === len };
      }
      const [min, max] = [n(0), n(1)];
      return { name, test: (v) => v.length >= min && v.length <= max };
    }
    case 'minlength': {
      const min = n(0);
      return { name, test: (v) => v.length >= min };
    }
    case 'maxlength': {
      const max = n(0);
      return { name, test: (v) => v.length <= max };
    }
    case 'regex': {
      let re: RegExp;
      try {
        // ASP.NET evaluates route regexes case-insensitively.
        re = new RegExp(raw ?? '', 'i');
      } catch (err) {
        throw new RouteTemplateError(
          `The route template '${template}' has an invalid regex constraint: ${(err as Error).message}`,
        );
      }
      return { name, test: (v) => re.test(v) };
    }
    default:
      throw new RouteTemplateError(`The constraint reference '${spec}' could not be resolved to a type.`);
  }
}

/** Splits `id:int:min(1)` at colons outside parentheses. */
function splitConstraints(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth = Math.max(0, depth - 1);
    if (c === ':' && depth === 0) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

function parseParameter(template: string, inner: string): RouteParameter {
  let text = inner.trim();
  let catchAll = false;
  if (text.startsWith('**')) {
    catchAll = true;
    text = text.slice(2);
  } else if (text.startsWith('*')) {
    catchAll = true;
    text = text.slice(1);
  }
  // Name, then :constraints, then =default or a trailing ?.
  const nameMatch = /^[^:=?]+/.exec(text);
  if (!nameMatch)
    throw new RouteTemplateError(`The route parameter name '' is invalid in route template '${template}'.`);
  const name = nameMatch[0].trim();
  let rest = text.slice(nameMatch[0].length);
  let optional = false;
  let defaultValue: string | undefined;
  const eq = rest.lastIndexOf('=');
  if (eq >= 0 && !rest.slice(eq).includes(')')) {
    defaultValue = rest.slice(eq + 1);
    rest = rest.slice(0, eq);
  }
  if (rest.endsWith('?')) {
    optional = true;
    rest = rest.slice(0, -1);
  }
  const constraints = rest.startsWith(':')
    ? splitConstraints(rest.slice(1))
        .filter((c) => c !== '')
        .map((c) => makeConstraint(template, c))
    : [];
  if (rest !== '' && !rest.startsWith(':')) {
    throw new RouteTemplateError(`The route template '${template}' has an invalid parameter '{${inner}}'.`);
  }
  if (optional && defaultValue !== undefined) {
    throw new RouteTemplateError(`An optional parameter cannot have default value in route template '${template}'.`);
  }
  return { name, optional, catchAll, defaultValue, constraints };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Splits one segment into literals and `{parameters}`. As in ASP.NET, `{{` and `}}` stand for
 * literal braces, also inside a parameter (so a regex constraint can say `\\d{{3}}`).
 */
function splitSegment(template: string, raw: string): Array<{ literal: string } | { inner: string }> {
  const pieces: Array<{ literal: string } | { inner: string }> = [];
  let literal = '';
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if ((c === '{' || c === '}') && raw[i + 1] === c) {
      literal += c;
      i += 2;
    } else if (c === '{') {
      if (literal) pieces.push({ literal });
      literal = '';
      let inner = '';
      i++;
      for (;;) {
        if (i >= raw.length) throw new RouteTemplateError(`The route template '${template}' has unbalanced braces.`);
        const d = raw[i]!;
        if ((d === '{' || d === '}') && raw[i + 1] === d) {
          inner += d;
          i += 2;
        } else if (d === '}') {
          i++;
          break;
        } else if (d === '{') {
          throw new RouteTemplateError(`The route template '${template}' has unbalanced braces.`);
        } else {
          inner += d;
          i++;
        }
      }
      pieces.push({ inner });
    } else if (c === '}') {
      throw new RouteTemplateError(`The route template '${template}' has unbalanced braces.`);
    } else {
      literal += c;
      i++;
    }
  }
  if (literal) pieces.push({ literal });
  return pieces;
}

export function parseTemplate(template: string): { segments: Segment[]; parameters: RouteParameter[] } {
  const trimmed = template.replace(/^~?\/+/, '').replace(/\/+$/, '');
  const segments: Segment[] = [];
  const parameters: RouteParameter[] = [];
  const rawSegments = trimmed === '' ? [] : trimmed.split('/');
  rawSegments.forEach((raw, index) => {
    if (raw === '') throw new RouteTemplateError(`The route template '${template}' contains an empty segment.`);
    const parts: Part[] = [];
    for (const piece of splitSegment(template, raw)) {
      if ('literal' in piece) {
        parts.push({ literal: piece.literal });
        continue;
      }
      const p = parseParameter(template, piece.inner);
      if (parameters.some((q) => q.name.toLowerCase() === p.name.toLowerCase())) {
        throw new RouteTemplateError(
          `The route parameter name '${p.name}' appears more than one time in the route template '${template}'.`,
        );
      }
      if (p.catchAll && index !== rawSegments.length - 1) {
        throw new RouteTemplateError(
          `A catch-all parameter can only appear as the last segment of the route template '${template}'.`,
        );
      }
      parameters.push(p);
      parts.push({ parameter: p });
    }
    let complex: RegExp | undefined;
    if (parts.length > 1) {
      const source = parts
        .map((p) => ('literal' in p ? escapeRegex(p.literal) : p.parameter.optional ? '(.*?)' : '(.+?)'))
        .join('');
      complex = new RegExp(`^${source}$`, 'i');
    }
    segments.push({ parts, complex });
  });
  return { segments, parameters };
}

export function compileRoute<T>(template: string, methods: string[] | undefined, target: T): CompiledRoute<T> {
  const { segments, parameters } = parseTemplate(template);
  const normalized = methods && methods.length > 0 ? methods.map((m) => m.toUpperCase()) : undefined;
  return { template, segments, parameters, methods: normalized, target };
}

/**
 * A path segment as ASP.NET Core routing sees it: Kestrel unescapes the path before routing,
 * except `%2F`, which stays as written so that an encoded slash cannot make one segment into
 * two (a route value `..%2F..%2Fsecret` is that text, not `../../secret`).
 */
function decodeSegment(raw: string): string {
  return raw
    .split(/(%2F)/i)
    .map((piece, i) => (i % 2 === 1 ? piece : decodeOrKeep(piece)))
    .join('');
}

function decodeOrKeep(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Matches a path (already stripped of the prefix, not decoded) against a route.
 * Returns the route values (only parameters that have a value) or undefined.
 */
export function matchRoute<T>(route: CompiledRoute<T>, rawPath: string): Record<string, string> | undefined {
  const pathSegments = rawPath === '' ? [] : rawPath.replace(/\/+$/, '').split('/');
  const values: Record<string, string> = {};
  const accept = (p: RouteParameter, value: string): boolean => {
    if (!p.constraints.every((c) => c.test(value))) return false;
    values[p.name] = value;
    return true;
  };
  for (let i = 0; i < route.segments.length; i++) {
    const segment = route.segments[i]!;
    const first = segment.parts[0]!;
    if (i >= pathSegments.length) {
      // Missing trailing segments: fine for optional, defaulted and catch-all parameters.
      if (segment.parts.length === 1 && 'parameter' in first) {
        const p = first.parameter;
        if (p.defaultValue !== undefined) {
          if (!accept(p, p.defaultValue)) return undefined;
          continue;
        }
        if (p.optional || p.catchAll) continue;
      }
      return undefined;
    }
    if (segment.parts.length === 1 && 'parameter' in first && first.parameter.catchAll) {
      const rest = pathSegments.slice(i).map(decodeSegment).join('/');
      if (rest === '') continue;
      return accept(first.parameter, rest) ? values : undefined;
    }
    const raw = pathSegments[i]!;
    const decoded = decodeSegment(raw);
    if (segment.parts.length === 1) {
      if ('literal' in first) {
        if (first.literal.toLowerCase() !== decoded.toLowerCase()) return undefined;
      } else {
        if (decoded === '') return undefined;
        if (!accept(first.parameter, decoded)) return undefined;
      }
      continue;
    }
    const m = segment.complex!.exec(decoded);
    if (!m) return undefined;
    let group = 1;
    for (const part of segment.parts) {
      if ('parameter' in part) {
        const value = m[group++] ?? '';
        if (value === '' && part.parameter.optional) continue;
        if (!accept(part.parameter, value)) return undefined;
      }
    }
  }
  if (pathSegments.length > route.segments.length) return undefined;
  return values;
}

/** WebJobsRouteBuilder's order: static before parameter, constrained first, longer first. */
export function compareRoutes<T>(x: CompiledRoute<T>, y: CompiledRoute<T>): number {
  for (let i = 0; i < x.segments.length; i++) {
    if (y.segments.length <= i) return -1;
    const xs = x.segments[i]!.parts[0]!;
    const ys = y.segments[i]!.parts[0]!;
    const xParam = 'parameter' in xs;
    const yParam = 'parameter' in ys;
    if (!xParam && yParam) return -1;
    if (xParam && !yParam) return 1;
    if (xParam && yParam) {
      const diff = xs.parameter.constraints.length - ys.parameter.constraints.length;
      if (diff !== 0) return diff > 0 ? -1 : 1;
    } else if (!xParam && !yParam) {
      const a = xs.literal.toLowerCase();
      const b = ys.literal.toLowerCase();
      if (a !== b) return a < b ? -1 : 1;
    }
  }
  return y.segments.length > x.segments.length ? 1 : 0;
}

export type RouteMatch<T> = { route: CompiledRoute<T>; params: Record<string, string> };

export class RouteTable<T> {
  readonly #routes: CompiledRoute<T>[] = [];

  add(route: CompiledRoute<T>): void {
    this.#routes.push(route);
    // Array.prototype.sort is stable, so equal routes keep their registration order.
    this.#routes.sort(compareRoutes);
  }

  get routes(): readonly CompiledRoute<T>[] {
    return this.#routes;
  }

  /** The first route matching path and method, like the host's route collection. */
  match(rawPath: string, method: string): RouteMatch<T> | undefined {
    const upper = method.toUpperCase();
    for (const route of this.#routes) {
      if (route.methods && !route.methods.includes(upper)) continue;
      const params = matchRoute(route, rawPath);
      if (params) return { route, params };
    }
    return undefined;
  }

  /** Whether some route matches the path with another method (to explain a 404 in the log). */
  matchesOtherMethod(rawPath: string): CompiledRoute<T> | undefined {
    return this.#routes.find((r) => matchRoute(r, rawPath) !== undefined);
  }
}
