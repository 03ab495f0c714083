// @workshop/host — the local Azure Functions host for Node.js v4-model apps.
export { startHost, HostStartError } from './host.ts';
export type { HostOptions, RunningHost, FunctionInfo } from './host.ts';
export { spawnHost } from './spawn-host.ts';
export type { SpawnHostOptions, SpawnedHost } from './spawn-host.ts';
export type { HostMessage, ParentMessage } from './cli.ts';
export type { BindingProvider, BindingContext, OutputWriter } from './bindings/binding-provider.ts';
export { FunctionExecutor, InvocationFailedError } from './executor.ts';
export type { ExecuteRequest, ExecuteResult } from './executor.ts';
// The task hub's storage conventions, for tools that read it (the test kit, npm run history).
export { escapeKey as taskHubKey } from './durable/task-hub-storage.ts';
export { eventTypeName } from './durable/history.ts';
