import { isDeepStrictEqual } from 'node:util';
import { sstNames } from '@paperlane/core';
import { TABLE_TTL_ATTRIBUTE, tableArgs } from '../table';
import type { Rule } from './types';

/** The deployed table has the store's keys and indexes, exactly. */
export const table: Rule = ({ recording }) => {
  const component = recording.find('sst.aws.Dynamo', sstNames.table);
  if (!component) return [{ rule: 'table', component: sstNames.table, message: 'no DynamoDB table' }];
  const expected = tableArgs();
  const out = [];
  for (const key of ['fields', 'primaryIndex', 'globalIndexes'] as const) {
    if (!isDeepStrictEqual(component.args[key], expected[key])) {
      out.push({
        rule: 'table' as const,
        component: component.name,
        message: `${key} differ from @paperlane/store's tableDefinition: expected ${JSON.stringify(expected[key])}, got ${JSON.stringify(component.args[key])}`,
      });
    }
  }
  if (component.args.ttl !== TABLE_TTL_ATTRIBUTE) {
    out.push({
      rule: 'table' as const,
      component: component.name,
      message: `TTL is ${component.args.ttl === undefined ? 'off' : `on ${String(component.args.ttl)}`}; the store expires WebSocket connections by "${TABLE_TTL_ATTRIBUTE}", so stale ones would pile up`,
    });
  }
  return out;
};
