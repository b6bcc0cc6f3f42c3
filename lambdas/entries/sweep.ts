import { processSweep } from '../app/process-sweep';
import { readConfig } from '../app/shared/config';
import { incidentEngineDeps } from './incident-adapters';
import { gauge, lambdaHandler } from './lambda-runtime';

const deps = { ...incidentEngineDeps(readConfig(), 'sweep'), gauge };

/** EventBridge schedule, every minute → wake overdue incidents, deliver what waits in the outbox. */
export const handler = lambdaHandler(async (_event: unknown) => processSweep(deps));
