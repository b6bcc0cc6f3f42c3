/**
 * A failed rollout already reported: task stops of its deployment fold into it instead of paging
 * one by one (docs/architecture.md, "The incident model"). Written by the rollout handler, read and updated by the task-stopped one.
 */
export interface FoldedDeployment {
  incidentId: string;
  deploymentId: string;
  /** ISO time the rollout alert went out. */
  reportedAt: string;
  foldedStops: number;
  /** The last few folded tasks, newest last. */
  recentTasks: string[];
}

export const rolloutKey = (deploymentId: string) => `rollout#${deploymentId}`;

const RECENT = 10;

export function foldStop(rollout: FoldedDeployment, taskArn: string): FoldedDeployment {
  if (rollout.recentTasks.includes(taskArn)) return rollout;
  return {
    ...rollout,
    foldedStops: rollout.foldedStops + 1,
    recentTasks: [...rollout.recentTasks, taskArn].slice(-RECENT),
  };
}
