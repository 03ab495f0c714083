export { check, type CheckMeta } from './check.ts';
export { labAppDir, repoRoot } from './app-dir.ts';
export { startLabApp, type LabApp, type LabAppOptions } from './lab-app.ts';
export {
  hasEnded,
  outputSummary,
  taskHubName,
  type OrchestrationStatus,
  type RuntimeStatus,
  type StatusOptions,
} from './durable.ts';
export {
  describePayload,
  formatBytes,
  measurePayloads,
  type LargeMessageBlob,
  type Payload,
  type PayloadReport,
} from './payloads.ts';
export { formatHistoryMermaid, formatHistoryTable, historyEvents, type HistoryEvent } from './history-format.ts';
export { lintFindings } from './lint.ts';
export { activityInputOf, eventTypeOf, readHistoryRows } from './history-rows.ts';
