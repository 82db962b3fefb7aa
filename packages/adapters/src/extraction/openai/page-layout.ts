import type { OcrPage } from '@paperlane/core';
import { estimateTokens } from './token-estimate';

/** What the prompt says about the layout format; kept beside the code that writes it. */
export const LAYOUT_FORMAT_NOTE = [
  'When the document is given as a layout, `--- page N ---` starts each page and each line reads',
  '`x,y,w,h|text`: the text and its box in thousandths of the page width and height, measured',
  'from the top-left corner (y grows downwards). A line without a box is plain text of its page.',
  'Use the positions: the seller is usually at the top of the first page and largest, labels sit',
  'left of or above their values, totals are near the bottom of the last page.',
].join('\n');

// Control characters and line breaks inside one positioned run would forge lines of their own.
const oneLine = (text: string) => text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();

/**
 * The pages as positioned lines for the model (`x,y,w,h|text`, see `LAYOUT_FORMAT_NOTE`), or
 * undefined when no page carries positions (then the flat text is all there is) or the layout
 * would take more than `maxTokens` (it stops building there, so a 500-page scan costs no more
 * than the budget). A page without positions is written as its plain text lines.
 *
 * @example
 * renderPageLayout([{ pageNumber: 1, text: 'ACME', lines: [{ text: 'ACME', x: 80, y: 40, width: 200, height: 30 }] }], 12_000)
 * // '--- page 1 ---\n80,40,200,30|ACME'
 */
export function renderPageLayout(pages: readonly OcrPage[], maxTokens: number): string | undefined {
  if (!pages.some((page) => (page.lines?.length ?? 0) > 0)) return undefined;
  const out: string[] = [];
  let tokens = 0;
  const add = (line: string) => {
    out.push(line);
    // One token for the line break between lines.
    tokens += estimateTokens(line) + 1;
    return tokens <= maxTokens;
  };
  for (const page of [...pages].sort((a, b) => a.pageNumber - b.pageNumber)) {
    if (!add(`--- page ${page.pageNumber} ---`)) return undefined;
    const positioned = page.lines && page.lines.length > 0;
    const lines = positioned
      ? (page.lines ?? []).map((line) => {
          const text = oneLine(line.text);
          return text ? `${line.x},${line.y},${line.width},${line.height}|${text}` : '';
        })
      : page.text.split(/\r?\n/).map(oneLine);
    for (const line of lines) if (line && !add(line)) return undefined;
  }
  return out.join('\n');
}
