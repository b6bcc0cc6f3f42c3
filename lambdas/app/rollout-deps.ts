import type { AlertPublisher } from '../adapters/alert-publisher';
import type { Ec2Reader } from '../adapters/ec2-reader';
import type { EcsReader } from '../adapters/ecs-reader';
import type { EcsServiceReader } from '../adapters/ecs-service-reader';
import type { Alert } from '../domain/alerts/alert';
import type { IncidentAdapters } from './incidents/engine';
import type { WatchdogConfig } from './shared/config';
import type { Counter, Log } from './shared/telemetry';

export interface RolloutDeps {
  config: WatchdogConfig;
  /** Task definitions (cached per revision). */
  ecs: EcsReader;
  /** Services, their tasks, container instances. */
  services: EcsServiceReader;
  /** Subnets and instance types. */
  ec2: Ec2Reader;
  publisher: Pick<AlertPublisher, 'publish'>;
  log: Log;
  counter: Counter;
  /** The clock, for the enrichment deadline. */
  now?: () => number;
  /** The incident store and timers: duplicates, steady state closing incidents, stops folding into rollouts. */
  incidents?: IncidentAdapters;
}

/** What a deployment or service-action processor decided: the alert, and whether it is worth publishing. */
export interface Processed {
  alert: Alert;
  publish: boolean;
}

/** Runs phases of lookups under one enrichment deadline: each phase gets what is left. */
export function enrichmentDeadline(deps: RolloutDeps): () => number {
  const now = deps.now ?? Date.now;
  const deadline = now() + deps.config.enrichmentBudgetMs;
  return () => Math.max(1, deadline - now());
}
