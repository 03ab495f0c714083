// @workshop/dashboard — the task hub dashboard: instances, histories, timelines and replay,
// in the browser, served by the local host beside the app (npm start) or on its own for any
// task hub (npm run dashboard). It is never part of a lab's app.
export { dashboardRoutes, DASHBOARD_PATH } from './routes.ts';
export type { Dashboard } from './routes.ts';
export { hostDashboard } from './host-dashboard.ts';
export { startDashboardServer } from './standalone.ts';
export type { TaskHubSource } from './task-hub-view.ts';
export type { InstanceDetail } from './instance-detail.ts';
