/**
 * Field accuracy of the offline rules extractor over the invoice fixtures: each fixture's OCR text
 * (`<name>.txt`) is extracted and compared with `<name>.expected.json`, field by field.
 *
 *   npx tsx packages/adapters/bench/extraction-accuracy.ts [--verbose]
 */
import { accuracyOf, loadInvoiceFixtures, scoreInvoice } from '../src/extraction/rules/accuracy';
import { createRulesExtractor } from '../src/extraction/rules/index';

const verbose = process.argv.includes('--verbose');
const extractor = createRulesExtractor();
const fixtures = await loadInvoiceFixtures();
const allScores = [];
const show = (value: unknown) => (value === undefined ? '—' : JSON.stringify(value));

for (const fixture of fixtures) {
  const fields = await extractor.extract({ text: fixture.text });
  const scores = scoreInvoice(fixture.expected, fields);
  allScores.push(scores);
  const { correct, total } = accuracyOf([scores]);
  console.log(`\n${fixture.name}  ${correct}/${total}`);
  for (const score of scores) {
    if (score.correct && !verbose) continue;
    const mark = score.correct ? 'ok  ' : 'MISS';
    console.log(
      `  ${mark} ${score.field.padEnd(14)} expected ${show(score.expected)}  got ${show(score.actual)}`,
    );
  }
}

const { correct, total, accuracy } = accuracyOf(allScores);
console.log(`\nfield accuracy: ${correct}/${total} = ${(accuracy * 100).toFixed(1)}%`);
