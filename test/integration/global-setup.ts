/**
 * Vitest global setup of the `integration` project: starts one local AWS (moto) for the whole run,
 * shares its endpoint with every test file via `inject('awsEndpoint')`, and stops it in teardown.
 * The first run also installs the pinned emulator into .venv (~30 s; hookTimeout allows 300 s).
 * Set LOCAL_AWS_ENDPOINT to reuse an already running server instead.
 */
import type { TestProject } from 'vitest/node';
import { type LocalAws, startLocalAws } from '../../local/emulator';

let aws: LocalAws | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (msg: string): void => console.log(`[local-aws] ${msg}`);
  aws = await startLocalAws({ log });
  project.provide('awsEndpoint', aws.endpoint);
  return async () => {
    await aws?.stop();
    aws = undefined;
  };
}
