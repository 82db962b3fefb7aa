import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type OpenAiFake, positionedLines, startFakeOpenAi } from './openai-server';

let fake: OpenAiFake;
beforeAll(async () => {
  fake = await startFakeOpenAi({ apiKey: 'sk-test-fake' });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

const chat = (body: unknown, auth = 'Bearer sk-test-fake', path = '/chat/completions') =>
  fetch(`${fake.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: auth },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

interface ChatBody {
  choices: { message: { content: string | null; refusal: string | null } }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}
const completion = async (response: Response | Promise<Response>) =>
  (await (await response).json()) as ChatBody;

const simple = { model: 'gpt-test', messages: [{ role: 'user', content: 'Hello there, how are you?' }] };

describe('OpenAI fake', () => {
  it('answers a chat completion with the documented envelope and plausible usage', async () => {
    fake.reply({ json: { answer: 42 } });
    const response = await chat(simple);
    expect(response.status).toBe(200);
    const body = await completion(response);
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-test',
      choices: [{ index: 0, message: { role: 'assistant', content: '{"answer":42}', refusal: null } }],
    });
    expect(body.usage.prompt_tokens).toBeGreaterThan(5);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.body.model).toBe('gpt-test');
  });

  it('uses queued replies once each, then the standing handler', async () => {
    fake.reply({ content: 'first' });
    fake.handle((request) => ({ content: `echo ${String(request.body.model)}` }));
    const first = await completion(chat(simple));
    const second = await completion(chat(simple));
    expect(first.choices[0]?.message.content).toBe('first');
    expect(second.choices[0]?.message.content).toBe('echo gpt-test');
    fake.handle(() => ({ content: 'ok' }));
  });

  it('sends refusals, errors with Retry-After, and raw bodies', async () => {
    fake.reply(
      { refusal: 'I cannot help with that.' },
      { error: { status: 429, message: 'Rate limit reached' }, retryAfter: '7' },
      { error: { status: 500 } },
      { raw: '{"choices": [', status: 200 },
    );
    const refusal = await completion(chat(simple));
    expect(refusal.choices[0]?.message).toMatchObject({ content: null, refusal: 'I cannot help with that.' });
    const throttled = await chat(simple);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect(await throttled.json()).toEqual({
      error: { message: 'Rate limit reached', type: 'requests', param: null, code: null },
    });
    expect((await chat(simple)).status).toBe(500);
    expect(await (await chat(simple)).text()).toBe('{"choices": [');
  });

  it('rejects a wrong key, a bad body and unknown routes before scripting anything', async () => {
    const unauthorized = await chat(simple, 'Bearer sk-wrong');
    expect(unauthorized.status).toBe(401);
    expect(JSON.stringify(await unauthorized.json())).not.toContain('sk-wrong');
    expect((await chat('{not json')).status).toBe(400);
    expect((await chat({ model: 'gpt-test', messages: [] })).status).toBe(400);
    expect((await chat(simple, 'Bearer sk-test-fake', '/responses')).status).toBe(404);
    expect(fake.requests).toHaveLength(0);
  });

  it('rejects a strict response_format the real API would reject', async () => {
    const format = (schema: unknown) => ({
      ...simple,
      response_format: { type: 'json_schema', json_schema: { name: 'x', strict: true, schema } },
    });
    const loose = await chat(
      format({
        type: 'object',
        properties: {
          a: {
            type: 'object',
            properties: { b: { type: 'string' } },
            required: [],
            additionalProperties: false,
          },
        },
        required: ['a'],
        additionalProperties: false,
      }),
    );
    expect(loose.status).toBe(400);
    expect(JSON.stringify(await loose.json())).toContain("Missing 'b'");
    const strict = await chat(
      format({
        type: 'object',
        properties: { a: { type: 'string' } },
        required: ['a'],
        additionalProperties: false,
      }),
    );
    expect(strict.status).toBe(200);
    expect(fake.requests).toHaveLength(1);
  });

  it('keeps a hanging request open until the client aborts', async () => {
    let seen!: () => void;
    const received = new Promise<void>((resolve) => {
      seen = resolve;
    });
    fake.handle(() => {
      seen();
      return { hang: true };
    });
    const controller = new AbortController();
    const pending = fetch(`${fake.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-fake' },
      body: JSON.stringify(simple),
      signal: controller.signal,
    });
    await received;
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    expect(fake.requests).toHaveLength(1);
    fake.handle(() => ({ content: 'ok' }));
  });

  it('lets a handler answer from the positioned lines of the user message', async () => {
    fake.handle((request) => {
      const lines = positionedLines(request);
      const top = [...lines].sort((a, b) => a.y - b.y)[0];
      return { json: { top: top?.text ?? null, count: lines.length } };
    });
    const content = [
      '<document>',
      '--- page 1 ---',
      '80,300,200,12|Bill to: Kunde AG',
      '80,40,300,36|Muster GmbH',
      'plain text without a box',
      '--- page 2 ---',
      '600,900,120,14|Total 12.00',
      '</document>',
    ].join('\n');
    const answer = await completion(
      chat({
        model: 'gpt-test',
        messages: [
          // Boxes in other roles' messages are not the document.
          { role: 'system', content: '--- page 1 ---\n1,1,1,1|from the system prompt' },
          { role: 'user', content },
        ],
      }),
    );
    expect(JSON.parse(answer.choices[0]?.message.content ?? '{}')).toEqual({ top: 'Muster GmbH', count: 3 });
    expect(positionedLines(fake.requests[0]!).at(-1)).toEqual({
      page: 2,
      x: 600,
      y: 900,
      width: 120,
      height: 14,
      text: 'Total 12.00',
    });
    expect(positionedLines({ ...fake.requests[0]!, body: simple })).toEqual([]);
  });
});
