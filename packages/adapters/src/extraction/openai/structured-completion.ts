import { PermanentError } from '@paperlane/core';
import type OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { openAiError } from './openai-errors';
import { estimateTokens } from './token-estimate';

/** Tokens one or more model calls used. `estimated` when the server reported no usage. */
export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  estimated: boolean;
}

export const NO_USAGE: LlmUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0, estimated: false };

/** Sums usage across calls (a map-reduce summary makes several). */
export function addUsage(a: LlmUsage, b: LlmUsage): LlmUsage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    estimated: a.estimated || b.estimated,
  };
}

const tokens = z.number().int().min(0);

/**
 * The parts of a chat completion we read. The SDK types the response but does not check it,
 * and an "OpenAI-compatible" server is a third party, so the envelope is validated too.
 */
const completionEnvelopeSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullish(),
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }),
      }),
    )
    .min(1),
  usage: z
    .object({ prompt_tokens: tokens, completion_tokens: tokens, total_tokens: tokens.optional() })
    .nullish(),
});

export interface StructuredCompletionRequest<Schema extends z.ZodType> {
  client: OpenAI;
  model: string;
  messages: ChatCompletionMessageParam[];
  /** What the model must return; sent as a strict JSON schema and checked again on the way back. */
  schema: Schema;
  /** `a-z A-Z 0-9 _ -`, at most 64 characters (the API's rule). */
  schemaName: string;
  maxOutputTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
}

export interface StructuredCompletion<T> {
  data: T;
  usage: LlmUsage;
}

function issuePaths(error: z.ZodError): string {
  const paths = error.issues.map((issue) => issue.path.join('.') || '(root)');
  return [...new Set(paths)].slice(0, 10).join(', ');
}

/**
 * One chat completion with structured outputs (`response_format: json_schema`, strict),
 * validated with the same zod schema. Failures are classified for the job runtime:
 * refusal (`llm_refused`), content filter (`llm_content_filtered`), output cut by the token
 * limit (`llm_output_truncated`), no content (`llm_empty_output`), invalid JSON
 * (`llm_invalid_json`), JSON of the wrong shape (`llm_invalid_output`) and an envelope that is
 * not a chat completion (`llm_unexpected_response`) are PermanentError: the same input gives
 * the same answer. Transport failures go through `openAiError`.
 *
 * @example
 * const { data, usage } = await structuredCompletion({ client, model: 'gpt-4o-mini', messages,
 *   schema: z.object({ answer: z.string() }), schemaName: 'answer', signal });
 */
export async function structuredCompletion<Schema extends z.ZodType>(
  request: StructuredCompletionRequest<Schema>,
): Promise<StructuredCompletion<z.output<Schema>>> {
  const { client, model, messages, schema, schemaName, signal } = request;
  if (signal?.aborted) throw openAiError(signal.reason, signal);
  let response: unknown;
  try {
    response = await client.chat.completions.create(
      {
        model,
        messages,
        response_format: zodResponseFormat(schema, schemaName),
        ...(request.maxOutputTokens !== undefined ? { max_completion_tokens: request.maxOutputTokens } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      },
      // The SDK adds an abort listener to the signal it is given and never removes it: a
      // per-call child signal keeps a long job's signal from collecting one per request.
      signal ? { signal: AbortSignal.any([signal]) } : {},
    );
  } catch (error) {
    throw openAiError(error, signal);
  }

  const envelope = completionEnvelopeSchema.safeParse(response);
  if (!envelope.success) {
    throw new PermanentError(
      `OpenAI answered with something that is not a chat completion (${issuePaths(envelope.error)})`,
      {
        code: 'llm_unexpected_response',
      },
    );
  }
  const choice = envelope.data.choices[0]!;
  const content = choice.message.content ?? '';
  const usageReport = envelope.data.usage;
  const usage: LlmUsage = usageReport
    ? {
        promptTokens: usageReport.prompt_tokens,
        completionTokens: usageReport.completion_tokens,
        totalTokens: usageReport.total_tokens ?? usageReport.prompt_tokens + usageReport.completion_tokens,
        estimated: false,
      }
    : (() => {
        const prompt = estimateTokens(
          messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n'),
        );
        const completion = estimateTokens(content);
        return {
          promptTokens: prompt,
          completionTokens: completion,
          totalTokens: prompt + completion,
          estimated: true,
        };
      })();

  if (choice.message.refusal) {
    throw new PermanentError(`the model refused: ${choice.message.refusal.slice(0, 200)}`, {
      code: 'llm_refused',
    });
  }
  if (choice.finish_reason === 'content_filter') {
    throw new PermanentError('the model output was blocked by the content filter', {
      code: 'llm_content_filtered',
    });
  }
  if (choice.finish_reason === 'length') {
    throw new PermanentError('the model output hit the token limit before the JSON was complete', {
      code: 'llm_output_truncated',
    });
  }
  if (!content.trim())
    throw new PermanentError('the model returned no content', { code: 'llm_empty_output' });

  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    throw new PermanentError('the model output is not valid JSON', {
      code: 'llm_invalid_json',
      cause: error,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new PermanentError(`the model output does not match the schema (${issuePaths(parsed.error)})`, {
      code: 'llm_invalid_output',
    });
  }
  return { data: parsed.data, usage };
}
