import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';

/**
 * GET or POST /api/hello — greets by name.
 *
 *   GET  /api/hello?name=Ada                  → 200 text "Hello, Ada!"
 *   POST /api/hello  {"name": "Ada"}          → 200 text "Hello, Ada!"
 *   no name                                   → 400 JSON {"error": "..."}
 *   a body that is not JSON                   → 400 JSON {"error": "..."}
 *
 * The query string wins when both carry a name.
 */
export async function hello(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  let name = nonBlank(request.query.get('name'));

  if (name === undefined) {
    const body = await request.text();
    if (body.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return {
          status: 400,
          jsonBody: { error: 'The request body is not valid JSON. Send something like {"name": "Ada"}.' },
        };
      }
      if (isRecord(parsed)) name = nonBlank(parsed['name']);
    }
  }

  if (name === undefined) {
    return { status: 400, jsonBody: { error: 'Please pass a name on the query string or in the request body.' } };
  }

  context.log(`Greeting ${name}`);
  return {
    status: 200,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    body: `Hello, ${name}!`,
  };
}

/** The trimmed string, or undefined when the value is not a string or is only whitespace. */
function nonBlank(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

app.http('hello', {
  methods: ['GET', 'POST'],
  authLevel: 'anonymous',
  handler: hello,
});
