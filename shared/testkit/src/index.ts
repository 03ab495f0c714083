export { check, type CheckMeta } from './check.ts';
export { labAppDir, repoRoot } from './app-dir.ts';
export { startLabApp, type LabApp, type LabAppOptions } from './lab-app.ts';
export type { OrchestrationStatus, RuntimeStatus, StatusOptions } from './durable.ts';
