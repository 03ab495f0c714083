import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { nonBlank, queryParam } from '../lib/query.ts';
import { checkBlobName, checkContainerName } from '../lib/storage-names.ts';

/**
 * GET /api/images?container=…&blob=… — names one blob.
 *
 *   ?container=samples&blob=photo.jpg   → 200 JSON
 *     {"container":"samples","blob":"photo.jpg","path":"samples/photo.jpg"}
 *   a name missing or blank              → 400 JSON {"error":"Please pass a container and blob names on the
 *     query string."}
 *   a name Azure Storage would reject    → 400 JSON {"error":"The container name must be 3 to 63 characters
 *     long."} (the rule it breaks)
 *
 * Parameter names match case-insensitively: ?Container=samples&BLOB=photo.jpg works too.
 */
export async function images(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  context.log(`${request.method} ${request.url}`);

  // TODO Step 2: read both names:
  //              const container = nonBlank(queryParam(request.query, 'container'));
  //              (and the same for 'blob'), then make queryParam case-insensitive in src/lib/query.ts.
  // TODO Step 3: a name missing or blank → 400 with the JSON body
  //              { "error": "Please pass a container and blob names on the query string." }
  // TODO Step 4: check the names with checkContainerName(container) and checkBlobName(blob)
  //              (write them in src/lib/storage-names.ts); invalid → 400 { "error": <its reason> }.
  // TODO Step 5: answer 200 with the JSON body { container, blob, path: `${container}/${blob}` }.

  return {
    status: 501,
    jsonBody: { error: 'Not implemented yet. Follow the steps in labs/02-query-parameters/README.md.' },
  };
}

// TODO Step 1: register this function with the host, the way hello.ts registers `hello`:
//              the name 'images', the method GET, authLevel 'anonymous' and the handler `images`.
