import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import { orchestratorDeterminism } from '../src/index.ts';

// ESLint's RuleTester, run by Vitest.
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, ecmaVersion: 2024, sourceType: 'module' },
});

const header = `import * as df from 'durable-functions';\nimport type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';\n`;
const orchestrator = (body: string, extra = '') =>
  `${header}${extra}\nconst orchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {\n${body}\n};\ndf.app.orchestration('o', orchestrator);\n`;

tester.run('orchestrator-determinism', orchestratorDeterminism, {
  valid: [
    orchestrator(
      `const now = context.df.currentUtcDateTime; const id = context.df.newGuid('x'); yield context.df.callActivity('a', { now, id });`,
    ),
    orchestrator(
      `const due = new Date(context.df.currentUtcDateTime.getTime() + 1000); yield context.df.createTimer(due);`,
    ),
    // Activities and client functions may use the clock, randomness, await and I/O.
    `${header}import { writeBlob } from '../lib/blob-storage.ts';\nexport async function activity() { await writeBlob('a', 'b', Date.now()); return Math.random() + crypto.randomUUID(); }\ndf.app.activity('a', { handler: activity });`,
    // A helper that is not async is fine (it runs on every replay, deterministically).
    orchestrator(
      `const b = batches([1, 2], 1); yield context.df.callActivity('a', b);`,
      `function batches<T>(x: T[], n: number): T[][] { return [x.slice(0, n)]; }`,
    ),
    // Date with arguments is deterministic.
    orchestrator(`const t = new Date('2024-01-01T00:00:00Z'); yield context.df.callActivity('a', t.toISOString());`),
  ],
  invalid: [
    {
      code: orchestrator(`const t = Date.now(); yield context.df.callActivity('a', t);`),
      errors: [{ messageId: 'dateNow' }],
    },
    {
      code: orchestrator(`const t = new Date().toISOString(); yield context.df.callActivity('a', t);`),
      errors: [{ messageId: 'newDate' }],
    },
    {
      code: orchestrator(`if (Math.random() < 0.5) yield context.df.callActivity('a');`),
      errors: [{ messageId: 'mathRandom' }],
    },
    {
      code: orchestrator(
        `const a = crypto.randomUUID(); const b = randomUUID(); yield context.df.callActivity('a', a + b);`,
        `import { randomUUID } from 'node:crypto';`,
      ),
      errors: [
        { messageId: 'randomUuid', data: { name: 'crypto.randomUUID' } },
        { messageId: 'randomUuid', data: { name: 'randomUUID' } },
      ],
    },
    {
      code: orchestrator(`setTimeout(() => {}, 1000); yield context.df.callActivity('a');`),
      errors: [{ messageId: 'timer' }],
    },
    { code: orchestrator(`const r = yield fetch('https://example.com');`), errors: [{ messageId: 'fetch' }] },
    {
      code: orchestrator(
        `const names = yield listBlobNames('samples');`,
        `import { listBlobNames } from '../lib/blob-storage.ts';`,
      ),
      errors: [{ messageId: 'io', data: { name: 'listBlobNames', source: '../lib/blob-storage.ts' } }],
    },
    {
      code: orchestrator(
        `const svc = BlobServiceClient.fromConnectionString('x'); yield svc.getContainerClient('c').exists();`,
        `import { BlobServiceClient } from '@azure/storage-blob';`,
      ),
      errors: [{ messageId: 'io' }],
    },
    {
      code: orchestrator(
        `const blob: string = yield saveManifest({});`,
        `async function saveManifest(m: object): Promise<string> { await Promise.resolve(m); return 'x'; }`,
      ),
      errors: [{ messageId: 'asyncHelper', data: { name: 'saveManifest' } }],
    },
    // Inside callbacks of the orchestrator too: they run while it runs.
    {
      code: orchestrator(
        `const tasks = [1, 2].map((n) => context.df.callActivity('a', n * Math.random())); yield context.df.Task.all(tasks);`,
      ),
      errors: [{ messageId: 'mathRandom' }],
    },
    // Registered inline, async: the SDK's error, and every await.
    {
      code: `${header}df.app.orchestration('o', async function (context: OrchestrationContext) { await context.df.callActivity('a'); });`,
      errors: [{ messageId: 'asyncOrchestrator' }, { messageId: 'await' }],
    },
    // Registered with { handler } and a function declaration.
    {
      code: `${header}function* run(context: OrchestrationContext) { yield context.df.callActivity('a', Date.now()); }\ndf.app.orchestration('o', { handler: run });`,
      errors: [{ messageId: 'dateNow' }],
    },
  ],
});
