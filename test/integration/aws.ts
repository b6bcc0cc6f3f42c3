/**
 * Client configuration for integration tests, pointing the real AWS SDK at the shared local AWS
 * started by global-setup.ts:  `new ECSClient(awsClientConfig())`.
 *
 * Test files share one moto server and run one at a time (fileParallelism: false): call
 * `resetAws()` in `beforeEach`/`beforeAll` when a file needs a clean account.
 */
import { inject } from 'vitest';
import { connectLocalAws, type LocalAws, type LocalAwsClientConfig } from '../../local/emulator';

export function localAws(): LocalAws {
  return connectLocalAws(inject('awsEndpoint'));
}

export function awsClientConfig(): LocalAwsClientConfig {
  return localAws().clientConfig;
}

export function resetAws(): Promise<void> {
  return localAws().reset();
}
