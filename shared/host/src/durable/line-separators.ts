// Azurite (3.37) fails a table transaction whose JSON holds U+2028 or U+2029, JavaScript's line
// and paragraph separators, with "500 Transaction Failed" — and the checkpoint of an instance
// whose input, result, reason or event name holds one could never be written: it stayed Pending
// for good. JSON may write these two characters as escapes (\u2028, \u2029), which every JSON
// reader turns back into the same character, so the request body is rewritten that way: what
// storage keeps is unchanged. Found by npm run bad-input; Azure's table service is not affected.

import type { TableClient } from '@azure/data-tables';

type PipelinePolicy = Parameters<TableClient['pipeline']['addPolicy']>[0];

const SEPARATORS = /[\u2028\u2029]/g;
const HAS_SEPARATOR = /[\u2028\u2029]/;

export const escapeLineSeparators: PipelinePolicy = {
  name: 'workshopEscapeLineSeparators',
  sendRequest(request, next) {
    if (typeof request.body === 'string' && HAS_SEPARATOR.test(request.body)) {
      request.body = request.body.replace(SEPARATORS, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
      // The transaction's length was set before: it counts the body as it is now sent.
      if (request.headers.has('content-length'))
        request.headers.set('content-length', String(Buffer.byteLength(request.body)));
    }
    return next(request);
  },
};
