// @workshop/host — the local Azure Functions host for Node.js v4-model apps.
export { startHost, HostStartError } from './host.ts';
export type { HostOptions, RunningHost, FunctionInfo } from './host.ts';
export type { AppCode } from './worker/app-loader.ts';
// What starts hosts and reads their task hubs (spawnHost, the workshop switches, the table keys),
// also on its own as @workshop/host/launcher.
export * from './launcher.ts';
// Filled by npm install, so that a lab's first start compiles only what the learner changed.
export { precompile } from './worker/typescript-loader.ts';
// Also filled by npm install: the host's own modules in one bundle, so a host starts on half the CPU.
export { hostEntryPoint, HOST_BUNDLE_SETTING } from './host-bundle.ts';
export type { HostMessage, ParentMessage } from './cli.ts';
export type { BindingProvider, BindingContext, OutputWriter } from './bindings/binding-provider.ts';
export { FunctionExecutor, InvocationFailedError } from './executor.ts';
export type { ExecuteRequest, ExecuteResult } from './executor.ts';
// The task hub as the dashboard reads and acts on it, through the host's own storage and client code.
export {
  TaskHubStorage,
  kilobytes,
  controlMessage,
  MAX_MESSAGE_BYTES,
  QUEUE_MESSAGE_LIMIT_BYTES,
} from './durable/task-hub-storage.ts';
export type {
  InstanceRow,
  LoadedHistory,
  BlobReads,
  MessageData,
  TaskHubStorageOptions,
} from './durable/task-hub-storage.ts';
export {
  DurableClientOperations,
  ClientError,
  instanceQuery,
  validateInstanceId,
  validateInstanceIdToRead,
} from './durable/client.ts';
export type { ClientEngine, InstanceFilter, StatusOptions, StatusPayload } from './durable/client.ts';
export { detachedEngine } from './durable/detached-engine.ts';
export { TaskHubTelemetry } from './durable/telemetry.ts';
export type { ActivityRun, EpisodeRecord } from './durable/telemetry.ts';
export { EventType } from './durable/history.ts';
export type { HistoryEvent, RuntimeStatus, OrchestrationInstanceRef, ParentInstanceInfo } from './durable/history.ts';
export { VirtualClock, RealClock } from './durable/clock.ts';
export type { Clock, ClockMode } from './durable/clock.ts';
export {
  runtimeStatuses,
  dateParameter,
  single,
  storageContinuation,
  RUNTIME_STATUSES,
} from './durable/management-query.ts';
export type { ExtraRoutes, ExtraRoutesContext, ExtraRouteHandler, DurableRuntime } from './host.ts';
export type { PreRoute } from './http/http-server.ts';
export { readBody, BodyTooLargeError, DEFAULT_MAX_REQUEST_BODY_SIZE } from './http/request-body.ts';
export { isLoopbackHost, foreignHostProblem } from './http/loopback-host.ts';
