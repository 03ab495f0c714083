// Which requests the matrix sends to one app, from the functions its host lists: each HTTP
// function's inputs, the management API's when the app is durable, the protocol-level ones
// once; and which requests must still work afterwards.

import type { FunctionInfo } from '@workshop/host';
import { inputsFor, knownGood, pathOf, type BadInput, type HttpFunction } from './bad-input-cases.ts';
import { MANAGEMENT_KNOWN_GOOD, managementInputs } from './bad-input-management.ts';
import { protocolInputs } from './bad-input-protocol.ts';
import type { RawRequest } from './raw-http.ts';

export interface Plan {
  inputs: BadInput[];
  /** HTTP functions the matrix has no inputs of its own for. */
  notCovered: HttpFunction[];
  /** Asked after the inputs: each must answer 200/201. */
  knownGood: Array<{ target: string; request: RawRequest }>;
}

export const isDurable = (functions: FunctionInfo[]) => functions.some((f) => /^(orchestration|activity)trigger$/i.test(f.trigger));

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
    ...protocolInputs({ anyPath, goodPath: goodGet ?? anyPath, port }),
  ];
  if (durable) probes.push({ target: 'management API', request: MANAGEMENT_KNOWN_GOOD });
  return { inputs, notCovered: planned.filter((p) => !p.covered).map((p) => p.fn), knownGood: probes };
}
