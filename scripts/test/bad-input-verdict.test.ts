// The bad-input matrix's judgement of management API answers: the Durable extension answers 404
// and 410 with no content (HttpApiHandler's CreateResponse(status)), so the host's must be empty
// too; its 400s carry a message; and nothing may show a stack, whoever answers.

import { describe, expect, it } from 'vitest';
import { managementAnswerWithoutBody } from '../lib/bad-input-management.ts';
import { judge } from '../lib/bad-input-verdict.ts';
import type { RawAnswer } from '../lib/raw-http.ts';

const json = (status: number, body: unknown): RawAnswer => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: Buffer.from(JSON.stringify(body)),
});
const empty = (status: number): RawAnswer => ({ status, headers: { 'content-length': '0' }, body: Buffer.alloc(0) });

describe('management API answers in the bad-input matrix', () => {
  it('knows which answers the extension sends with no body: 404 and 410 on its routes', () => {
    expect(managementAnswerWithoutBody('/runtime/webhooks/durabletask/instances/x', 404)).toBe(true);
    expect(managementAnswerWithoutBody('/durabletask/instances/x/terminate?reason=r', 410)).toBe(true);
    expect(managementAnswerWithoutBody('/runtime/webhooks/durabletask/instances/x', 400)).toBe(false);
    expect(managementAnswerWithoutBody('/api/images', 404)).toBe(false);
    expect(managementAnswerWithoutBody('/durabletaskish/instances', 404)).toBe(false);
  });

  it('wants those empty, as the extension sends them, and still no stack anywhere', () => {
    const context = { hostRouteMiss: false, head: false, extensionSendsNoBody: true };
    expect(judge(empty(404), context)).toEqual({ ok: true });
    expect(judge(empty(410), context)).toEqual({ ok: true });
    expect(judge(json(404, { Message: "No instance with ID 'x' was found." }), context)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/Durable extension sends with none/),
    });
    expect(judge(json(404, { Message: 'boom', StackTrace: '    at x (/a/b.ts:1:2)' }), context)).toMatchObject({
      ok: false,
    });
    expect(judge(empty(500), context)).toMatchObject({ ok: false, reason: 'status 500, not a 4xx' });
  });

  it('keeps wanting a JSON message on the 400s', () => {
    const context = { hostRouteMiss: false, head: false, extensionSendsNoBody: false };
    expect(judge(json(400, { Message: 'The instance ID must not be empty.' }), context)).toEqual({ ok: true });
    expect(judge(empty(400), context)).toMatchObject({ ok: false });
  });
});
