import type { Rule } from 'eslint';

// The rule `durable/orchestrator-determinism`: flags what an orchestrator function must not do,
// because the Durable Task Framework replays it from the top on every episode and expects the
// very same decisions each time (learn.microsoft.com: "Orchestrator function code constraints").

/** The ESTree nodes the rule looks at, as far as it reads them. */
interface Node {
  type: string;
  parent?: Node | null;
  [key: string]: unknown;
}
interface Identifier extends Node {
  type: 'Identifier';
  name: string;
}

export type MessageId =
  | 'dateNow'
  | 'newDate'
  | 'mathRandom'
  | 'randomUuid'
  | 'await'
  | 'asyncOrchestrator'
  | 'timer'
  | 'fetch'
  | 'io'
  | 'asyncHelper';

export const messages: Record<MessageId, string> = {
  dateNow:
    'Date.now() in an orchestrator returns another time on every replay. Use context.df.currentUtcDateTime (the time of the episode, from the history).',
  newDate:
    'new Date() in an orchestrator returns another time on every replay. Use context.df.currentUtcDateTime (the time of the episode, from the history).',
  mathRandom:
    'Math.random() in an orchestrator returns another number on every replay. Use context.df.newGuid(name) for a replay-safe unique value, or choose the value in an activity.',
  randomUuid:
    '{{name}}() in an orchestrator returns another UUID on every replay. Use context.df.newGuid(name): the same UUID on every replay.',
  await:
    'await in an orchestrator: an orchestrator is a generator (function*) that yields Durable Tasks, and its promises would run again on every replay. Move the I/O into an activity and yield context.df.callActivity(...).',
  asyncOrchestrator:
    'An orchestrator must be a generator function (function*), not async: the SDK fails with "generator.next is not a function" (async function) or "Orchestration yielded data of type undefined" (async function*). Yield context.df tasks instead of awaiting promises.',
  timer:
    '{{name}} in an orchestrator does not survive replay or unloading. Use yield context.df.createTimer(fireAt), with fireAt computed from context.df.currentUtcDateTime.',
  fetch:
    'fetch() in an orchestrator is I/O: it runs again on every replay and its promise is not a Task the SDK can yield. Move it into an activity (or use context.df.callHttp).',
  io: '{{name}}(...) does I/O ({{source}}) in an orchestrator: it runs again on every replay, and its promise is not a Task ("Only Task types can be yielded"). Move it into an activity and yield context.df.callActivity(...).',
  asyncHelper:
    '{{name}}(...) is an async function: called from an orchestrator, its work happens outside the history (again on replays, its result and errors unrecorded), and its promise is not a Task the SDK can yield ("Only Task types can be yielded"). Move the work into an activity and yield context.df.callActivity(...).',
};

/** Modules whose functions do I/O, as regular expressions on the import source. */
export const DEFAULT_IO_MODULES = [
  '^@azure/storage-',
  '^@azure/data-tables$',
  '^@azure/cosmos$',
  '^@azure/service-bus$',
  '^(node:)?(fs|fs/promises|http|https|net|dns|child_process)$',
  '^(axios|node-fetch|undici|got)$',
  '(^|/)blob-storage(\\.[cm]?[jt]s)?$',
];

/** The type names that mark a function as an orchestrator (`const o: OrchestrationHandler = function* …`). */
const ORCHESTRATOR_TYPES = new Set(['OrchestrationHandler']);

function isFunction(node: Node | null | undefined): node is Node {
  return (
    !!node &&
    (node.type === 'FunctionExpression' ||
      node.type === 'ArrowFunctionExpression' ||
      node.type === 'FunctionDeclaration')
  );
}

function isIdentifier(node: unknown): node is Identifier {
  return !!node && (node as Node).type === 'Identifier';
}

function isNamed(node: unknown, name: string): boolean {
  return isIdentifier(node) && node.name === name;
}

function memberName(node: unknown): { object: string; property: string } | undefined {
  const n = node as Node | undefined;
  if (!n || n.type !== 'MemberExpression' || n.computed) return undefined;
  const object = n.object as Node;
  const property = n.property as Node;
  if (!isIdentifier(property)) return undefined;
  if (isIdentifier(object)) return { object: object.name, property: property.name };
  // globalThis.crypto.randomUUID(), window.Date.now()
  const inner = memberName(object);
  return inner ? { object: inner.property, property: property.name } : undefined;
}

/** The leftmost identifier of a callee: `fs` in fs.promises.readFile, `client` in client.getBlobClient(). */
function rootIdentifier(node: unknown): Identifier | undefined {
  let n = node as Node | undefined;
  while (n) {
    if (isIdentifier(n)) return n;
    if (n.type === 'MemberExpression') n = n.object as Node;
    else if (n.type === 'CallExpression' || n.type === 'NewExpression') n = n.callee as Node;
    else if (n.type === 'TSNonNullExpression' || n.type === 'ChainExpression') n = n.expression as Node;
    else return undefined;
  }
  return undefined;
}

function typeName(annotation: unknown): string | undefined {
  const t = (annotation as Node | undefined)?.typeAnnotation as Node | undefined;
  if (!t || t.type !== 'TSTypeReference') return undefined;
  const name = t.typeName as Node;
  if (isIdentifier(name)) return name.name;
  if (name.type === 'TSQualifiedName' && isIdentifier(name.right)) return (name.right as Identifier).name;
  return undefined;
}

/** `df.app.orchestration(…)`, `app.orchestration(…)`: the registration of an orchestrator. */
function isOrchestrationRegistration(call: Node): boolean {
  const callee = call.callee as Node;
  return callee.type === 'MemberExpression' && !callee.computed && isNamed(callee.property, 'orchestration');
}

export const orchestratorDeterminism: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow non-deterministic and async code (clock, randomness, await, timers, I/O) in Durable Functions orchestrators',
      url: 'https://learn.microsoft.com/azure/azure-functions/durable/durable-functions-code-constraints',
    },
    schema: [
      {
        type: 'object',
        properties: { ioModules: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
    ],
    messages,
  },
  create(context) {
    const options = (context.options[0] ?? {}) as { ioModules?: string[] };
    const ioModules = (options.ioModules ?? DEFAULT_IO_MODULES).map((source) => new RegExp(source));
    const sourceCode = context.sourceCode;

    const orchestrators = new Set<Node>();
    const orchestratorNames = new Set<string>();
    const functionsByName = new Map<string, Node>();
    const asyncFunctions = new Set<string>();
    const ioImports = new Map<string, string>();
    const findings: Array<{ node: Node; messageId: MessageId; data?: Record<string, string> }> = [];

    const flag = (node: Node, messageId: MessageId, data?: Record<string, string>) =>
      findings.push({ node, messageId, ...(data ? { data } : {}) });

    return {
      ImportDeclaration(node: Node) {
        const source = String((node.source as Node).value);
        if (!ioModules.some((re) => re.test(source))) return;
        for (const specifier of node.specifiers as Node[]) ioImports.set((specifier.local as Identifier).name, source);
      },
      FunctionDeclaration(node: Node) {
        if (isIdentifier(node.id)) {
          functionsByName.set(node.id.name, node);
          if (node.async) asyncFunctions.add(node.id.name);
        }
      },
      VariableDeclarator(node: Node) {
        if (!isIdentifier(node.id)) return;
        const init = node.init as Node | null;
        if (!isFunction(init)) return;
        functionsByName.set(node.id.name, init);
        if (init.async) asyncFunctions.add(node.id.name);
        const name = typeName(node.id.typeAnnotation);
        if (name && ORCHESTRATOR_TYPES.has(name)) orchestrators.add(init);
      },
      CallExpression(node: Node) {
        if (isOrchestrationRegistration(node)) {
          for (const arg of node.arguments as Node[]) {
            let handler: Node | undefined = arg;
            if (arg.type === 'ObjectExpression') {
              const prop = (arg.properties as Node[]).find((p) => p.type === 'Property' && isNamed(p.key, 'handler'));
              handler = prop?.value as Node | undefined;
            }
            if (isIdentifier(handler)) orchestratorNames.add(handler.name);
            else if (isFunction(handler)) orchestrators.add(handler);
          }
        }
        const callee = node.callee as Node;
        const member = memberName(callee);
        if (member?.object === 'Date' && member.property === 'now') flag(node, 'dateNow');
        else if (member?.object === 'Math' && member.property === 'random') flag(node, 'mathRandom');
        else if (member?.property === 'randomUUID') flag(node, 'randomUuid', { name: `${member.object}.randomUUID` });
        else if (isNamed(callee, 'randomUUID')) flag(node, 'randomUuid', { name: 'randomUUID' });
        else if (isIdentifier(callee) && ['setTimeout', 'setInterval', 'setImmediate'].includes(callee.name))
          flag(node, 'timer', { name: `${callee.name}()` });
        else if (isNamed(callee, 'fetch')) flag(node, 'fetch');
        else {
          const root = rootIdentifier(callee);
          if (root && ioImports.has(root.name))
            flag(node, 'io', { name: sourceCode.getText(callee as never), source: ioImports.get(root.name)! });
          else if (isIdentifier(callee)) findings.push({ node, messageId: 'asyncHelper', data: { name: callee.name } });
        }
      },
      NewExpression(node: Node) {
        const callee = node.callee as Node;
        if (isNamed(callee, 'Date') && (node.arguments as Node[]).length === 0) flag(node, 'newDate');
        const root = rootIdentifier(callee);
        if (root && ioImports.has(root.name))
          flag(node, 'io', { name: `new ${sourceCode.getText(callee as never)}`, source: ioImports.get(root.name)! });
      },
      AwaitExpression(node: Node) {
        flag(node, 'await');
      },
      'Program:exit'() {
        for (const name of orchestratorNames) {
          const fn = functionsByName.get(name);
          if (fn) orchestrators.add(fn);
        }
        for (const fn of orchestrators) {
          if (fn.async) context.report({ node: fn as never, messageId: 'asyncOrchestrator' });
        }
        for (const finding of findings) {
          // A call to a plain identifier is only a finding when it names an async function of this file.
          if (finding.messageId === 'asyncHelper' && !asyncFunctions.has(finding.data?.['name'] ?? '')) continue;
          const ancestors = sourceCode.getAncestors(finding.node as never) as unknown as Node[];
          if (!ancestors.some((a) => orchestrators.has(a))) continue;
          context.report({
            node: finding.node as never,
            messageId: finding.messageId,
            ...(finding.data ? { data: finding.data } : {}),
          });
        }
      },
    } as unknown as Rule.RuleListener;
  },
};
