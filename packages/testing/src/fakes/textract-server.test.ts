import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTextractFake, type TextractFake } from './textract-server';

let fake: TextractFake;
beforeAll(async () => {
  fake = await startTextractFake();
});
afterAll(() => fake.stop());

const call = (target: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(fake.endpoint, {
    method: 'POST',
    headers: {
      'x-amz-target': target,
      'content-type': 'application/x-amz-json-1.1',
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20261122/us-east-1/textract/aws4_request, Signature=x',
      ...headers,
    },
    body: JSON.stringify(body),
  });

describe('Textract fake', () => {
  it('refuses unsigned requests as AWS does', async () => {
    const response = await call('Textract.AnalyzeExpense', {}, { authorization: '' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });

  it('validates required parameters and names unknown operations', async () => {
    const missing = await call('Textract.AnalyzeExpense', {});
    expect(await missing.json()).toMatchObject({ __type: 'InvalidParameterException' });
    const unknown = await call('Textract.DetectEverything', {});
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('plays scripted replies once, in order, then the standing handler', async () => {
    fake.script(
      'GetExpenseAnalysis',
      { body: { JobStatus: 'IN_PROGRESS' } },
      { error: 'InternalServerError' },
    );
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await call('Textract.GetExpenseAnalysis', { JobId: 'j' })).status);
    expect(statuses).toEqual([200, 500, 200]);
    expect(fake.requests.filter((r) => r.operation === 'GetExpenseAnalysis')).toHaveLength(3);
  });
});
