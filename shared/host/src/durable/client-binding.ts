// The `durableClient` input binding: what the extension's DurableClient binding gives an
// out-of-process function — OrchestrationClientInputData as JSON: the task hub, the webhook
// URL templates (creationUrls, managementUrls with the placeholder id INSTANCEID), the base
// URL and the local RPC endpoint the SDK sends its calls to.

import type { BindingProvider } from '../bindings/binding-provider.ts';
import { managementUrls, RPC_PREFIX, WEBHOOK_PREFIX } from './http-api.ts';

export interface DurableClientBindingOptions {
  hubName: string;
  connectionName: string;
  /** The host's origin, e.g. http://127.0.0.1:7071 (known once the server listens). */
  origin: () => string;
}

export function durableClientBindingProvider(options: DurableClientBindingOptions): BindingProvider {
  return {
    type: 'durableClient',
    async bindInput(context) {
      const origin = options.origin();
      const hubName =
        typeof context.binding.taskHub === 'string' && context.binding.taskHub !== ''
          ? context.binding.taskHub
          : options.hubName;
      const baseUrl = `${origin}${WEBHOOK_PREFIX}`;
      const data = {
        taskHubName: hubName,
        creationUrls: {
          createNewInstancePostUri: `${baseUrl}/orchestrators/{functionName}[/{instanceId}]`,
          createAndWaitOnNewInstancePostUri: `${baseUrl}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}`,
        },
        managementUrls: managementUrls(origin, 'INSTANCEID', hubName, options.connectionName),
        baseUrl,
        requiredQueryStringParameters: '',
        rpcBaseUrl: `${origin}${RPC_PREFIX}/`,
        httpBaseUrl: `${origin}${WEBHOOK_PREFIX}`,
        maxGrpcMessageSizeInBytes: 0,
        grpcHttpClientTimeout: '00:01:40',
      };
      return { string: JSON.stringify(data) };
    },
  };
}
