/**
 * What `connect logs --source` accepts: a configured source's type (`file` for `files`), or Confluent Cloud's logs API.
 * A module of its own, without imports: the command declarations load it at start-up.
 */
export const LOG_SOURCE_CHOICES = ['files', 'file', 'cloudwatch', 'elasticsearch', 'confluent-cloud'] as const;
export type LogSourceChoice = (typeof LOG_SOURCE_CHOICES)[number];
