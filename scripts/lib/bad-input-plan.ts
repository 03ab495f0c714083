// Which requests the matrix sends to one app, from the functions its host lists: each HTTP
// function's inputs, the management API's and the dashboard's when the app is durable, the protocol-level ones
// once; the scenarios (orchestrations started with bad input, the start route's wait, the
// forged log line); and which requests must still work afterwards.

import type { FunctionInfo } from '@workshop/host';
import { inputsFor, knownGood, pathOf, type BadInput, type HttpFunction } from './bad-input-cases.ts';
import { logProbes } from './bad-input-log-probes.ts';
import { DASHBOARD_KNOWN_GOOD, dashboardInputs } from './bad-input-dashboard.ts';
import { MANAGEMENT_KNOWN_GOOD, managementInputs } from './bad-input-management.ts';
import { orchestrationInputScenarios, orchestratorsNotCovered, subjectOf } from './bad-input-orchestrations.ts';
import { protocolInputs } from './bad-input-protocol.ts';
import type { Scenario } from './bad-input-scenario.ts';
import { waitScenarios } from './bad-input-wait.ts';
import type { RawRequest } from './raw-http.ts';

export interface Plan {
  inputs: BadInput[];
  scenarios: Scenario[];
  /** HTTP functions and orchestrators the matrix has no inputs of its own for, and where to add them. */
  notCovered: Array<{ name: string; what: string; where: string }>;
  /** Asked after the inputs: each must answer 200/201. */
  knownGood: Array<{ target: string; request: RawRequest }>;
}

export const isDurable = (functions: FunctionInfo[]) =>
  functions.some((f) => /^(orchestration|activity)trigger$/i.test(f.trigger));

export function planFor(functions: FunctionInfo[], http: HttpFunction[], port: number): Plan {
  const planned = http.map(inputsFor);
  const durable = isDurable(functions);
  const probes = http.flatMap((fn) => {
    const request = knownGood(fn);
    return request ? [{ target: fn.name, request }] : [];
  });
  const goodGet = probes.find((p) => p.request.method === 'GET')?.request.target;
  const anyPath = http[0] ? pathOf(http[0]) : '/api/x';
  const inputs = [
    ...planned.flatMap((p) => p.inputs),
    ...(durable ? managementInputs(functions) : []),
    ...(durable ? dashboardInputs(functions, port) : []),
    ...protocolInputs({ anyPath, goodPath: goodGet ?? anyPath, port }),
  ];
  const subject = durable ? subjectOf(functions) : undefined;
  const scenarios = [
    ...(durable ? orchestrationInputScenarios(functions) : []),
    ...(subject ? waitScenarios(subject) : []),
    ...logProbes(http, subject),
  ];
  if (durable)
    probes.push(
      { target: 'management API', request: MANAGEMENT_KNOWN_GOOD },
      { target: 'dashboard', request: DASHBOARD_KNOWN_GOOD },
    );
  const notCovered = [
    ...planned
      .filter((p) => !p.covered)
      .map((p) => ({
        name: p.fn.name,
        what: `${p.fn.methods?.join(',') ?? '*'} ${p.fn.template}`,
        where: 'scripts/lib/bad-input-cases.ts',
      })),
    ...orchestratorsNotCovered(functions).map((name) => ({
      name,
      what: `orchestrator ${name}`,
      where: 'scripts/lib/bad-input-orchestrations.ts',
    })),
  ];
  return { inputs, scenarios, notCovered, knownGood: probes };
}
