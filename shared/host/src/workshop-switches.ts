// The workshop switches: app settings of this host only (not of the real one), each recreating a
// pitfall for one lab. A learner turns one on in local.settings.json to watch it happen; the
// test kit sets every one of them itself, on or off, so that a switch left on there cannot
// change what a check sees.

import { CRASH_AFTER_ACTIVITY_SETTING, crashAfterActivities } from './durable/fault-injection.ts';
import { readLocalSettings } from './settings.ts';
import { PERTURB_REPLAY_SETTING, perturbReplayEnabled } from './worker/perturb-replay.ts';

/** Lab 07: queue messages over 64 KB are rejected, as before DTFx's large-message blobs. */
export const STRICT_64KB_SETTING = 'WORKSHOP_DURABLE_STRICT_64KB';

export function strictMessageSizeEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(true|1)$/i.test(env[STRICT_64KB_SETTING] ?? '');
}

/** Every workshop switch, in the order of the labs that use them (07, 08, 09). */
export const WORKSHOP_SWITCHES = [STRICT_64KB_SETTING, PERTURB_REPLAY_SETTING, CRASH_AFTER_ACTIVITY_SETTING] as const;

/**
 * Every switch set to the empty value, which the host reads as off. Given to the host as its
 * environment, it also keeps local.settings.json from setting them: the environment wins there.
 */
export function switchesOff(): Record<(typeof WORKSHOP_SWITCHES)[number], string> {
  return Object.fromEntries(WORKSHOP_SWITCHES.map((name) => [name, ''])) as Record<
    (typeof WORKSHOP_SWITCHES)[number],
    string
  >;
}

/** The switches that these settings turn on, as `NAME=value`, read as the host reads them. */
export function switchesOn(values: Record<string, string | undefined>): string[] {
  const on: Record<string, boolean> = {
    [STRICT_64KB_SETTING]: strictMessageSizeEnabled(values),
    [PERTURB_REPLAY_SETTING]: perturbReplayEnabled(values),
    [CRASH_AFTER_ACTIVITY_SETTING]: crashAfterActivities(values).size > 0,
  };
  return WORKSHOP_SWITCHES.filter((name) => on[name]).map((name) => `${name}=${values[name]}`);
}

/** The switches the app folder's local.settings.json turns on; none when it is absent or unreadable. */
export function localSwitchesOn(appDir: string): string[] {
  try {
    return switchesOn(readLocalSettings(appDir).values);
  } catch {
    return [];
  }
}
