/**
 * Names of the components only infra refers to. The linkable ones (table, bucket,
 * queues, APIs, secrets) are named by `sstNames` in `@paperlane/core`, because
 * entry points read them as `Resource.<name>`.
 */
export const infraNames = {
  apiFunction: 'ApiHandler',
  websocketFunction: 'RealtimeHandler',
  sweeperFunction: 'Sweeper',
  automationTickFunction: 'AutomationTick',
  schedule: (fn: string): string => `${fn}Schedule`,
  jwtAuthorizer: 'Jwt',
  alarmTopic: 'Alarms',
  alarmEmail: 'AlarmsEmail',
  tessdataLayer: 'Tessdata',
  secretKey: 'SecretKey',
  dlqDepthAlarm: (dlq: string): string => `${dlq}DepthAlarm`,
  oldestAgeAlarm: (lane: string): string => `${lane}AgeAlarm`,
} as const;
