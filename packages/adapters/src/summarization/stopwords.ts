/**
 * Function words per language: frequent, short, and mostly distinct between the six
 * languages Paperlane's OCR reads. They serve twice: counted, they identify the language;
 * removed, they leave the words that say what a document is about. Words shared by several
 * languages (`de`, `in`, `a`) stay in each list; the distinct ones decide.
 */
export const SUMMARY_LANGUAGES = ['en', 'de', 'fr', 'nl', 'es', 'it'] as const;
export type SummaryLanguage = (typeof SUMMARY_LANGUAGES)[number];

const words = (list: string) => new Set(list.split(/\s+/).filter(Boolean));

export const STOPWORDS: Record<SummaryLanguage, ReadonlySet<string>> = {
  en: words(`the a an and or but of to in on at by for with from as is are was were be been being this that
    these those it its which who whom what when where why how not no yes all any each our your their his her
    we you they he she i me my us them will would shall should can could may might must have has had do does
    did than then there here into about over under after before between also such only per very more most
    other same so if while please thank thanks dear`),
  de: words(`der die das den dem des ein eine einer eines einem einen und oder aber von zu im in am an auf für
    mit aus bei nach vor über unter ist sind war waren wird werden wurde sein seine ihr ihre wir sie er es
    ich du nicht kein keine auch nur noch schon sehr mehr als wie wenn dass ob bis zum zur durch gegen ohne
    um hier dort diese dieser dieses jener man sich uns unser unsere ihnen bitte vielen dank sehr geehrte
    geehrter damen herren mfg hat haben hatte kann können muss soll`),
  fr: words(`le la les un une des du de et ou mais donc car ni que qui quoi dont où est sont était être avoir
    a ont avait ce cet cette ces son sa ses leur leurs nous vous ils elles il elle je tu on pas ne plus
    moins très aussi dans sur sous par pour avec sans chez entre vers au aux se si comme tout tous toute
    toutes votre vos notre nos merci madame monsieur veuillez cordialement`),
  nl: words(`de het een en of maar van te in op aan bij voor met uit naar over onder tot door om als dan
    dat die dit deze is zijn was waren wordt worden werd heeft hebben had kan kunnen moet zal zou wij we
    jullie zij ze hij het ik je u uw ons onze niet geen ook nog al wel zeer meer er hier daar wat wie
    waar hoe bedankt geachte vriendelijke groet`),
  es: words(`el la los las un una unos unas y o pero de del al a en por para con sin sobre entre hasta desde
    que quien cual cuando donde como es son era eran ser estar está están fue fueron ha han había este esta
    estos estas ese esa su sus nuestro nuestra nosotros vosotros ellos ellas él ella yo tú usted no sí
    muy más menos también ya se le les lo gracias estimado estimada atentamente`),
  it: words(`il lo la i gli le un uno una e o ma di del della dei delle da dal dalla in nel nella su sul
    sulla per con tra fra che chi cui come quando dove è sono era erano essere avere ha hanno aveva
    questo questa questi queste quello quella suo sua suoi sue nostro nostra noi voi loro lui lei io tu
    non sì molto più meno anche già si ci ne grazie gentile distinti saluti cordiali`),
};

/** Every stopword of every language, for keyword extraction when the language is unknown. */
export const ALL_STOPWORDS: ReadonlySet<string> = new Set(
  Object.values(STOPWORDS).flatMap((set) => [...set]),
);

/** Lower-cased words (letters, inner apostrophes and hyphens), in order. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/\p{L}[\p{L}\p{M}'’-]*/gu) ?? [];
}
