// `@workshop/host/launcher`: what a process that starts hosts and reads their task hubs needs
// (the test kit in every lab check's process), without the host itself. The package's index
// loads the durable engine and three storage clients, 0.2 s that each check run paid before
// its first check.

export { spawnHost } from './spawn-host.ts';
export type { SpawnHostOptions, SpawnedHost } from './spawn-host.ts';
export { builtFileFor } from './worker/app-loader.ts';
export { WORKSHOP_SWITCHES, switchesOff, switchesOn, localSwitchesOn } from './workshop-switches.ts';
export { escapeKey as taskHubKey } from './durable/table-keys.ts';
export { eventTypeName } from './durable/history.ts';
export { CRASH_LEASES_SETTING, endNotedLeases } from './durable/fault-injection.ts';
