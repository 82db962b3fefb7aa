import { PDFDocument, type PDFFont, rgb, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import type { Measure, Page, TextItem } from './page';
import { leftEdge } from './page';
import type { FixtureFormat } from './spec';

/** A fixed date, so PDFs are byte-for-byte reproducible. */
const FIXED_DATE = new Date('2026-11-03T00:00:00Z');

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  mono: PDFFont;
  monoBold: PDFFont;
}

async function embedFonts(doc: PDFDocument): Promise<Fonts> {
  return {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    mono: await doc.embedFont(StandardFonts.Courier),
    monoBold: await doc.embedFont(StandardFonts.CourierBold),
  };
}

const pick = (fonts: Fonts, item: Pick<TextItem, 'bold' | 'mono'>) =>
  item.mono ? (item.bold ? fonts.monoBold : fonts.mono) : item.bold ? fonts.bold : fonts.regular;

/** Text widths from the PDF standard fonts (WinAnsi), shared by every renderer and the .txt. */
export async function standardFontMeasure(): Promise<Measure> {
  const fonts = await embedFonts(await PDFDocument.create());
  return (text, size, bold, mono) => pick(fonts, { bold, mono }).widthOfTextAtSize(text, size);
}

async function newPdf(title: string): Promise<PDFDocument> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(title);
  doc.setProducer('paperlane generate-invoice-fixtures');
  doc.setCreationDate(FIXED_DATE);
  doc.setModificationDate(FIXED_DATE);
  return doc;
}

/** A PDF whose text is a real text layer in the standard fonts. */
export async function renderTextPdf(page: Page, title: string): Promise<Uint8Array> {
  const doc = await newPdf(title);
  const fonts = await embedFonts(doc);
  const measure: Measure = (text, size, bold, mono) =>
    pick(fonts, { bold, mono }).widthOfTextAtSize(text, size);
  const pdfPage = doc.addPage([page.width, page.height]);
  for (const item of page.items) {
    if (item.kind === 'box') {
      pdfPage.drawRectangle({
        x: item.x,
        y: page.height - item.y - item.h,
        width: item.w,
        height: item.h,
        color: rgb(0.93, 0.93, 0.93),
      });
    } else if (item.kind === 'rule') {
      pdfPage.drawLine({
        start: { x: item.x1, y: page.height - item.y1 },
        end: { x: item.x2, y: page.height - item.y2 },
        thickness: 0.5,
        color: rgb(0.4, 0.4, 0.4),
      });
    } else {
      pdfPage.drawText(item.text, {
        x: leftEdge(item, measure),
        y: page.height - item.y,
        size: item.size,
        font: pick(fonts, item),
        color: rgb(0.1, 0.1, 0.1),
      });
    }
  }
  return doc.save();
}

const escapeXml = (text: string) =>
  text.replace(/[<>&"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[ch] ?? ch);

/** The page as SVG in point units; `background` tints the paper (scans are never pure white). */
export function pageSvg(page: Page, dpi: number, background: string): string {
  const scale = dpi / 72;
  const width = Math.round(page.width * scale);
  const height = Math.round(page.height * scale);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${page.width} ${page.height}">`,
    `<rect width="${page.width}" height="${page.height}" fill="${background}"/>`,
  ];
  for (const item of page.items) {
    if (item.kind === 'box') {
      parts.push(
        `<rect x="${item.x}" y="${item.y}" width="${item.w}" height="${item.h}" fill="${item.fill}"/>`,
      );
    } else if (item.kind === 'rule') {
      parts.push(
        `<line x1="${item.x1}" y1="${item.y1}" x2="${item.x2}" y2="${item.y2}" stroke="#666" stroke-width="0.5"/>`,
      );
    } else {
      const anchor = item.align === 'right' ? 'end' : item.align === 'center' ? 'middle' : 'start';
      const family = item.mono ? 'DejaVu Sans Mono' : 'DejaVu Sans Condensed';
      parts.push(
        `<text x="${item.x}" y="${item.y}" font-family="${family}" font-size="${item.size}"` +
          `${item.bold ? ' font-weight="bold"' : ''} text-anchor="${anchor}" fill="#1a1a1a" xml:space="preserve">` +
          `${escapeXml(item.text)}</text>`,
      );
    }
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** Per format: resolution, paper tint and encoder settings, chosen to stay well under 150 KB. */
const RASTER: Record<
  Exclude<FixtureFormat, 'pdf-text'>,
  { dpi: number; background: string; blur?: number }
> = {
  png: { dpi: 150, background: '#ffffff' },
  jpeg: { dpi: 200, background: '#efeee9', blur: 0.6 },
  'pdf-scan': { dpi: 200, background: '#f1f1ed', blur: 0.5 },
};

/** Renders the page to pixels: PNG or JPEG bytes, or a PDF holding only the scanned image. */
export async function renderRaster(
  page: Page,
  format: Exclude<FixtureFormat, 'pdf-text'>,
  title: string,
): Promise<Uint8Array> {
  const settings = RASTER[format];
  let image = sharp(Buffer.from(pageSvg(page, settings.dpi, settings.background))).grayscale();
  if (settings.blur) image = image.blur(settings.blur);
  if (format === 'jpeg') return new Uint8Array(await image.jpeg({ quality: 72, mozjpeg: true }).toBuffer());
  const png = await image.png({ compressionLevel: 9, palette: true, colours: 16, dither: 0 }).toBuffer();
  if (format === 'png') return new Uint8Array(png);
  const doc = await newPdf(title);
  const embedded = await doc.embedPng(png);
  doc
    .addPage([page.width, page.height])
    .drawImage(embedded, { x: 0, y: 0, width: page.width, height: page.height });
  return doc.save();
}
