import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { EntityContext, OrchestrationContext, OrchestrationHandler } from 'durable-functions';

// The scenarios of the Durable Functions "performance targets" page, one instance each.

/** Returns when it started, so the bench can tell fan-out (starts) from fan-in (completions). */
df.app.activity('benchNoop', { handler: () => Date.now() });

const sequence: OrchestrationHandler = function* (context: OrchestrationContext) {
  const count = context.df.getInput<number>();
  for (let i = 0; i < count; i++) yield context.df.callActivity('benchNoop', i);
  return count;
};
df.app.orchestration('benchSequence', sequence);

const fanOut: OrchestrationHandler = function* (context: OrchestrationContext) {
  const count = context.df.getInput<number>();
  const started: number[] = yield context.df.Task.all(
    Array.from({ length: count }, (_, i) => context.df.callActivity('benchNoop', i)),
  );
  return { first: Math.min(...started), last: Math.max(...started) };
};
df.app.orchestration('benchFanOut', fanOut);

const events: OrchestrationHandler = function* (context: OrchestrationContext) {
  const count = context.df.getInput<number>();
  for (let i = 0; i < count; i++) yield context.df.waitForExternalEvent('tick');
  return count;
};
df.app.orchestration('benchEvents', events);

/** The counter of the "entity operation processing" scenario. */
df.app.entity('benchCounter', (context: EntityContext<number>) => {
  const value = context.df.getState(() => 0) ?? 0;
  if (context.df.operationName === 'add') context.df.setState(value + Number(context.df.getInput()));
  else context.df.return(value);
});

/** Signals one counter `count` times, then calls it: its answer comes after every signal it applied (one sender, in order). */
const entityOperations: OrchestrationHandler = function* (context: OrchestrationContext) {
  const count = context.df.getInput<number>();
  const counter = new df.EntityId('benchCounter', context.df.instanceId);
  for (let i = 0; i < count; i++) context.df.signalEntity(counter, 'add', 1);
  const value: number = yield context.df.callEntity(counter, 'get');
  return value;
};
df.app.orchestration('benchEntity', entityOperations);

app.http('benchStart', {
  route: 'bench/{scenario}',
  methods: ['POST'],
  extraInputs: [df.input.durableClient()],
  handler: async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const client = df.getClient(context);
    const count = Number(request.query.get('count') ?? '10');
    const instanceId = await client.startNew(String(request.params.scenario), { input: count });
    return { status: 202, jsonBody: { id: instanceId } };
  },
});
