/**
 * One hardening or supply-chain check. `not run` is neither pass nor fail: the check could not
 * run on this machine (no /proc, no network address, an audit endpoint that refuses), and
 * `detail` says why, so a report never counts it as passed.
 */
export interface Finding {
  name: string;
  status: 'pass' | 'fail' | 'not run';
  detail: string;
}

export const pass = (name: string, detail: string): Finding => ({ name, status: 'pass', detail });
export const fail = (name: string, detail: string): Finding => ({ name, status: 'fail', detail });
export const notRun = (name: string, detail: string): Finding => ({ name, status: 'not run', detail });
