/**
 * Writes catalogue items as a catalogue file, in the layout and style of the hand-written one.
 */
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import type { CatalogueItem } from './catalogue-format.js';

// Lists of codes read best on one line, as in the hand-written sample.
const FLOW_LISTS = new Set(['acceptedAt', 'steps', 'specialStages', 'dependsOn']);

/** Writes items as a catalogue file that parseCatalogue (catalogue-file.ts) reads back to the same items. */
export function catalogueToYaml(items: readonly CatalogueItem[]): string {
  // Fixed key order, so files written by tools diff cleanly against hand-edited ones.
  const plain = items.map((it) => ({
    code: it.code,
    name: it.name,
    departmentCode: it.departmentCode,
    audience: it.audience,
    acceptedAt: it.acceptedAt,
    onTheSpot: it.onTheSpot,
    statutoryLimitDays: it.statutoryLimitDays,
    committedLimitDays: it.committedLimitDays,
    steps: it.steps,
    specialStages: it.specialStages,
    online: it.online,
    producesLicenceType: it.producesLicenceType,
    dependsOn: it.dependsOn,
    conditions: it.conditions,
    legalBasis: it.legalBasis,
    materials: it.materials.map((m) => ({
      code: m.code,
      name: m.name,
      form: m.form,
      copies: m.copies,
      requirement: m.requirement,
      ...(m.condition !== undefined && { condition: m.condition }),
      ...(m.note !== undefined && { note: m.note }),
      ...(m.shared !== undefined && {
        shared:
          m.shared.source === 'LICENCE'
            ? { source: m.shared.source, licenceType: m.shared.licenceType }
            : { source: m.shared.source },
      }),
    })),
    fees: it.fees.map((f) => ({ name: f.name, amountYuan: f.amountYuan, basis: f.basis })),
    ...(it.consultationPhone !== undefined && { consultationPhone: it.consultationPhone }),
    ...(it.supervisionPhone !== undefined && { supervisionPhone: it.supervisionPhone }),
  }));
  const doc = new Document({ items: plain });
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && FLOW_LISTS.has(String(pair.key.value)) && isSeq(pair.value)) pair.value.flow = true;
      // A shared source is one short fact about its material: one line, like the code lists.
      if (isScalar(pair.key) && pair.key.value === 'shared' && isMap(pair.value)) pair.value.flow = true;
    },
  });
  // A blank line between items, as between the entries of a printed guide.
  const list = doc.get('items', true);
  if (isSeq(list)) list.items.forEach((entry, i) => i > 0 && isMap(entry) && (entry.spaceBefore = true));
  // The project's Prettier style (single quotes, no padding in flow lists), so `npm run format` leaves the file alone.
  // Prettier pads flow maps but not flow lists; the yaml writer has one switch for both, so the
  // one-line shared sources get their padding back here.
  return doc
    .toString({ lineWidth: 0, flowCollectionPadding: false, singleQuote: true })
    .replace(/^(\s+shared: )\{(.*)\}$/gm, '$1{ $2 }');
}
