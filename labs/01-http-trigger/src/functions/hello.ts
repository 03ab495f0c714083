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
  context.log(`${request.method} ${request.url}`);

  // TODO Step 3: read the name from the query string with request.query.get('name')
  //              and answer 200 with the text `Hello, ${name}!`.
  // TODO Step 4: no name on the query string? Read the body with `await request.text()`,
  //              parse it with JSON.parse inside try/catch, and take its `name`.
  //              A body that is not JSON → 400 with a JSON error (never a 500).
  // TODO Step 5: still no name → 400 with the JSON body
  //              { "error": "Please pass a name on the query string or in the request body." }

  return {
    status: 501,
    jsonBody: { error: 'Not implemented yet. Follow the steps in labs/01-http-trigger/README.md.' },
  };
}

app.http('hello', {
  methods: ['GET', 'POST'],
  authLevel: 'anonymous',
  handler: hello,
});
