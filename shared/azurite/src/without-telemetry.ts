// Preloaded into Azurite, which every start here runs with --disableTelemetry. Azurite's
// telemetry client requires `applicationinsights` as soon as its module loads, and with it the
// OpenTelemetry SDK and a dozen exporters: a third of Azurite's start-up, for a client that
// --disableTelemetry never creates (issue #14). Azurite gets an empty module in its place;
// everything it emulates is its own code, untouched.

import { registerHooks } from 'node:module';

const NO_TELEMETRY = 'workshop:no-telemetry';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'applicationinsights') return { url: NO_TELEMETRY, format: 'commonjs', shortCircuit: true };
    return nextResolve(specifier, context);
  },
  load(url, context, nextLoad) {
    if (url === NO_TELEMETRY) return { format: 'commonjs', source: 'module.exports = {};', shortCircuit: true };
    return nextLoad(url, context);
  },
});
