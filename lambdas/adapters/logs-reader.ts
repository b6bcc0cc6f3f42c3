import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { AwsLogsLocation } from '../domain/stops/task-definition';

/** Reads the last lines of a log stream, in the stream's own region (awslogs-region may differ). */
export class LogsReader {
  private readonly clients = new Map<string, CloudWatchLogsClient>();

  constructor(
    private readonly defaultClient: CloudWatchLogsClient,
    private readonly clientFor: (region: string) => CloudWatchLogsClient = (region) =>
      new CloudWatchLogsClient({ region }),
  ) {}

  async lastLines(location: AwsLogsLocation, limit: number, signal?: AbortSignal): Promise<string[]> {
    const out = await this.client(location.region).send(
      new GetLogEventsCommand({
        logGroupName: location.logGroup,
        logStreamName: location.logStream,
        limit,
        startFromHead: false,
      }),
      { abortSignal: signal },
    );
    return (out.events ?? []).map((e) => (e.message ?? '').replace(/\r?\n$/, ''));
  }

  private client(region: string | undefined): CloudWatchLogsClient {
    if (!region) return this.defaultClient;
    let client = this.clients.get(region);
    if (!client) {
      client = this.clientFor(region);
      this.clients.set(region, client);
    }
    return client;
  }
}
