import type { Link } from './alert';

const consoleHost = (region: string) => `https://${region}.console.aws.amazon.com`;
const enc = encodeURIComponent;

/** The CloudWatch console's fragment encoding: URI-encode twice, then `%` becomes `$`. */
function cloudWatchFragment(value: string): string {
  return enc(enc(value)).replace(/%/g, '$');
}

export function taskLink(region: string, cluster: string, taskId: string): Link {
  return {
    label: 'Task',
    url: `${consoleHost(region)}/ecs/v2/clusters/${enc(cluster)}/tasks/${enc(taskId)}/configuration?region=${region}`,
  };
}

export function serviceLinks(region: string, cluster: string, service: string): Link[] {
  const base = `${consoleHost(region)}/ecs/v2/clusters/${enc(cluster)}/services/${enc(service)}`;
  return [
    { label: 'Service deployments', url: `${base}/deployments?region=${region}` },
    { label: 'Service events', url: `${base}/events?region=${region}` },
  ];
}

/** `taskDefinition` is `family:revision`. */
export function taskDefinitionLink(region: string, taskDefinition: string): Link {
  const [family, revision] = taskDefinition.split(':');
  return {
    label: `Task definition ${taskDefinition}`,
    url: `${consoleHost(region)}/ecs/v2/task-definitions/${enc(family ?? '')}/${enc(revision ?? '')}/containers?region=${region}`,
  };
}

export function logStreamLink(region: string, logGroup: string, logStream: string): Link {
  return {
    label: `Logs ${logGroup}`,
    url: `${consoleHost(region)}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${cloudWatchFragment(logGroup)}/log-events/${cloudWatchFragment(logStream)}`,
  };
}

export function subnetLink(region: string, subnetId: string): Link {
  return {
    label: `Subnet ${subnetId}`,
    url: `${consoleHost(region)}/vpcconsole/home?region=${region}#SubnetDetails:subnetId=${enc(subnetId)}`,
  };
}
