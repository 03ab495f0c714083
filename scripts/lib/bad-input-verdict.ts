// What a good answer to a bad request looks like: a 4xx, a JSON body with a message a person
// can act on, and nothing of the server's insides (stack frames, file paths). The exceptions
// are answers the real host sends with no body, which the local host copies: its own 404 for a
// request no route takes — see `hostRouteMiss` — and the Durable management API's 404 and 410
// (`extensionSendsNoBody`), whose reasons go to the host's log instead.

import type { RawAnswer } from './raw-http.ts';
import { repoRoot } from './manifest.ts';

export type Verdict = { ok: true } | { ok: false; reason: string };

export interface VerdictContext {
  /**
   * True when no function route takes the request's path and method (the management API's
   * prefixes aside). The Functions host answers those 404 with an empty body (ASP.NET Core
   * routing falls through: `Content-Length: 0`, no JSON) and so does the local host, to stay
   * faithful; only then is an empty 404 right.
   */
  hostRouteMiss: boolean;
  /** HEAD answers never carry a body (RFC 9110), so only their status is judged. */
  head: boolean;
  /**
   * True for a management API answer that the Durable extension sends with no content: its
   * HttpApiHandler answers 404 (no such route or instance) and 410 (the instance has ended) with
   * `CreateResponse(status)`. Such an answer must be empty, as the extension's is.
   */
  extensionSendsNoBody?: boolean;
}

/** Lines of a JavaScript/.NET stack trace, or a path into this checkout or node_modules. */
const LEAKS: Array<[RegExp, string]> = [
  [/^\s+at .+/m, 'a stack trace ("    at …" frames)'],
  [/\(?[\w.\\/:-]+\.[cm]?[jt]s:\d+:\d+\)?/, 'a source location (file:line:column)'],
  [/\bnode_modules[\\/]/, 'a node_modules path'],
  [/file:\/\/\//, 'a file:// URL'],
];

export function judge(answer: RawAnswer, context: VerdictContext): Verdict {
  const text = answer.body.toString('utf8');
  const leak = leakIn(text);
  if (leak) return { ok: false, reason: `the answer shows ${leak}` };
  if (answer.status < 400 || answer.status > 499) return { ok: false, reason: `status ${answer.status}, not a 4xx` };
  if (context.head) return { ok: true };
  if (context.extensionSendsNoBody) {
    return answer.body.length === 0
      ? { ok: true }
      : {
          ok: false,
          reason: `a body on a ${answer.status} that the Durable extension sends with none (HttpApiHandler); the reason belongs in the host's log`,
        };
  }
  if (answer.status === 404 && context.hostRouteMiss) {
    return answer.body.length === 0 || isJsonWithMessage(answer, text)
      ? { ok: true }
      : { ok: false, reason: "the host's 404 for an unmatched route should be empty, as the Functions host's is" };
  }
  if (answer.body.length === 0) return { ok: false, reason: 'an empty body: no message says what is wrong' };
  if (!/^application\/(problem\+)?json\b/i.test(answer.headers['content-type'] ?? '')) {
    return { ok: false, reason: `Content-Type ${answer.headers['content-type'] ?? '(none)'}, not JSON` };
  }
  if (!isJsonWithMessage(answer, text)) return { ok: false, reason: 'the JSON body has no human-readable message' };
  return { ok: true };
}

/** Looks in the body as sent and, for JSON, in its strings decoded (a stack inside a JSON string has its newlines escaped). */
function leakIn(text: string): string | undefined {
  for (const candidate of [text, jsonStrings(text)]) {
    if (candidate.includes(repoRoot)) return 'a file path of the repository';
    const leak = LEAKS.find(([pattern]) => pattern.test(candidate))?.[1];
    if (leak) return leak;
  }
  return undefined;
}

function jsonStrings(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return '';
  }
  const strings: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(walk);
  };
  walk(parsed);
  return strings.join('\n');
}

/** A JSON object with a string of words in it (`error`, `message`, `Message`, …). */
function isJsonWithMessage(answer: RawAnswer, text: string): boolean {
  if (answer.body.length === 0) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  return Object.values(parsed).some((value) => typeof value === 'string' && /[A-Za-z]{2,}\s+[A-Za-z]{2,}/.test(value));
}
