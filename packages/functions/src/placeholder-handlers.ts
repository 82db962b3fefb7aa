import { type JobHandler, type JobHandlers, QUEUE_NAMES } from '@paperlane/core';

/**
 * PLACEHOLDER until the document jobs land (issue 4) and the integration jobs
 * (issue 5): completes every job at once and says so in its result, so the whole
 * pipeline (upload → jobs → events → status) runs end to end meanwhile.
 */
export const placeholderHandler: JobHandler = async (ctx) => {
  await ctx.progress(50);
  return { placeholder: true, note: `no ${ctx.job.queue} implementation yet; completed without doing work` };
};

export const placeholderHandlers: JobHandlers = Object.fromEntries(
  QUEUE_NAMES.map((queue) => [queue, placeholderHandler]),
) as JobHandlers;
