import { AbortedError, documentSummarySchema } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { detectLanguage } from './detect-language';
import { createExtractiveSummarizer } from './extractive-summarizer';
import { keyEntities } from './key-entities';
import { splitSentences } from './sentences';

const letter = [
  'Service Agreement Renewal',
  '',
  'Dear Ms. Jones,',
  'Northwind Traders Ltd has reviewed the consulting agreement signed on 2025-01-15 with Contoso Analytics.',
  'The consulting agreement renews on March 1, 2026 for another twelve months of consulting work.',
  'The annual consulting fee rises to EUR 48,000.00, payable in quarterly instalments of € 12,000.00.',
  'Please return the signed renewal before 15.02.2026 so the consulting schedule can continue without a gap.',
  'The weather in Seattle was pleasant when we met.',
  'Kind regards, Margaret Lee',
].join('\n');

describe('extractive summarizer', () => {
  it('summarizes without an LLM: title, sentences, entities, topics, language', async () => {
    const summary = await createExtractiveSummarizer().summarize({ text: letter });
    expect(documentSummarySchema.parse(summary)).toEqual(summary);
    expect(summary.provider).toBe('extractive');
    expect(summary.token_count).toBe(0);
    expect(summary.enhanced_metadata.title).toBe('Service Agreement Renewal');
    expect(summary.enhanced_metadata.language).toBe('en');
    expect(summary.summary).toContain('consulting agreement');
    expect(summary.summary).not.toContain('weather in Seattle');
    expect(summary.enhanced_metadata.topics.slice(0, 2)).toContain('consulting');
    expect(summary.enhanced_metadata.topics).not.toContain('the');
    expect(summary.enhanced_metadata.key_entities).toEqual(
      expect.arrayContaining([
        'EUR 48,000.00',
        '2025-01-15',
        '15.02.2026',
        'March 1, 2026',
        'Northwind Traders Ltd',
      ]),
    );
  });

  it('keeps summary sentences in document order and prefers a given title', async () => {
    const summary = await createExtractiveSummarizer({ sentences: 2 }).summarize({
      text: letter,
      title: 'renewal.pdf',
    });
    expect(summary.enhanced_metadata.title).toBe('renewal.pdf');
    const picked = splitSentences(summary.summary);
    expect(picked).toHaveLength(2);
    expect(letter.indexOf(picked[0]!)).toBeLessThan(letter.indexOf(picked[1]!));
  });

  it.each([
    [
      'de',
      'Sehr geehrte Damen und Herren, anbei erhalten Sie die Rechnung für die Beratung im November. Bitte überweisen Sie den Betrag bis zum Monatsende auf unser Konto.',
    ],
    [
      'fr',
      'Madame, Monsieur, veuillez trouver ci-joint la facture pour les travaux réalisés dans votre appartement. Nous vous remercions de votre confiance et restons à votre disposition.',
    ],
    [
      'nl',
      'Geachte heer, hierbij ontvangt u de factuur voor de werkzaamheden van vorige maand. Wij verzoeken u het bedrag binnen dertig dagen over te maken op onze rekening.',
    ],
    [
      'es',
      'Estimado cliente, le enviamos la factura correspondiente a los servicios prestados durante el mes de octubre. Por favor, realice el pago antes de la fecha indicada.',
    ],
    [
      'it',
      'Gentile cliente, in allegato trova la fattura relativa ai servizi forniti nel mese di ottobre. La preghiamo di effettuare il pagamento entro la data di scadenza indicata.',
    ],
    [
      'en',
      'Dear customer, please find attached the invoice for the services we provided in October. We would be grateful if you could pay it before the due date.',
    ],
  ])('detects %s by stopword counts', (language, text) => {
    expect(detectLanguage(text).language).toBe(language);
  });

  it('leaves number tables and empty input undetermined without failing', async () => {
    expect(detectLanguage('1.234,56\n2025-01-01 17,00 18,00\nEUR 3.400,00').language).toBe('und');
    const empty = await createExtractiveSummarizer().summarize({ text: '' });
    expect(empty).toMatchObject({
      summary: '',
      enhanced_metadata: { title: 'Untitled document', key_entities: [], topics: [], language: 'und' },
    });
  });

  it('bounds the work on a huge hostile input', async () => {
    const hostile = `${letter}\n${'A'.repeat(2_000_000)} ${'€ 1 '.repeat(100_000)}`;
    const summary = await createExtractiveSummarizer({ maxInputChars: 50_000 }).summarize({ text: hostile });
    expect(summary.enhanced_metadata.title).toBe('Service Agreement Renewal');
    expect(summary.summary.length).toBeLessThan(2_000);
    expect(summary.enhanced_metadata.key_entities.length).toBeLessThanOrEqual(15);
  });

  it('finds German company names and amounts, not capitalised nouns alone', () => {
    const entities = keyEntities(
      'Muster GmbH\nDie Rechnung über 1.234,56 EUR ist am 3. Dezember 2026 fällig.',
    );
    expect(entities).toEqual(expect.arrayContaining(['1.234,56 EUR', '3. Dezember 2026', 'Muster GmbH']));
    expect(entities).not.toContain('Rechnung');
  });

  it('refuses input that is not text', async () => {
    const hostile = { text: { toString: () => 'x' } } as unknown as { text: string };
    await expect(createExtractiveSummarizer().summarize(hostile)).rejects.toMatchObject({
      code: 'invalid_summarize_input',
    });
  });

  it('respects an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      createExtractiveSummarizer().summarize({ text: letter, signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortedError);
  });
});
