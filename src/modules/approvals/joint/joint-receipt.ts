/**
 * What the one receipt of a joint application lists: the union of the materials its branches
 * received, a shared material of the joint service once (it was handed in once), each item's own
 * materials with the item they belong to, and the materials taken from the libraries, each once.
 */
import { materialsReceived, sharedMaterials, type MaterialRef } from '../cases/json.js';
import { outstandingMaterials } from '../cases/materials.js';
import type { JointView } from './joint-applications.js';
import { sharedMaterialsOf } from './joint-catalogue.js';

/** A material on the joint receipt and the items it was received for. */
export interface JointReceiptMaterial {
  code: string;
  name: string;
  copies: number;
  /** Codes of the items it stands for: several for a shared material of the joint service. */
  itemCodes: string[];
  /** True for a shared material of the joint service (submitted once for several items). */
  shared: boolean;
}

export interface JointReceiptMaterials {
  received: JointReceiptMaterial[];
  /** Taken from the libraries instead of asked for (免于提交), one row per datum. */
  fromLibraries: { name: string; itemCodes: string[] }[];
  /** What branches still await (each branch's one-time notice), a shared material once. */
  outstanding: JointReceiptMaterial[];
}

/** The receipt's material lists from the branches' records. */
export function jointReceiptMaterials(v: Pick<JointView, 'service' | 'branches'>): JointReceiptMaterials {
  // item/material -> the shared material of the service that stands for it
  const sharedBy = new Map<string, ReturnType<typeof sharedMaterialsOf>[number]>();
  for (const s of sharedMaterialsOf(v.service))
    for (const ref of s.satisfies) sharedBy.set(`${ref.itemCode}/${ref.materialCode}`, s);
  const received = new Map<string, JointReceiptMaterial>();
  const outstanding = new Map<string, JointReceiptMaterial>();
  const libraries = new Map<string, { name: string; itemCodes: string[] }>();
  // A shared material is one row whatever the number of items it stands for; an item's own, one row each.
  const add = (rows: Map<string, JointReceiptMaterial>, itemCode: string, m: MaterialRef) => {
    const s = sharedBy.get(`${itemCode}/${m.code}`);
    const key = s ? `shared/${s.code}` : `${itemCode}/${m.code}`;
    const row = rows.get(key) ?? {
      code: s?.code ?? m.code,
      name: s?.name ?? m.name,
      copies: m.copies,
      itemCodes: [],
      shared: Boolean(s),
    };
    if (!row.itemCodes.includes(itemCode)) row.itemCodes.push(itemCode);
    rows.set(key, row);
  };
  for (const b of v.branches) {
    for (const m of materialsReceived(b)) add(received, b.itemCode, m);
    for (const m of sharedMaterials(b)) {
      const key = `${m.source}/${m.entityType}/${m.entityId}`;
      const row = libraries.get(key) ?? { name: m.name, itemCodes: [] };
      if (!row.itemCodes.includes(b.itemCode)) row.itemCodes.push(b.itemCode);
      libraries.set(key, row);
    }
    if (b.state === 'SUBMITTED') for (const m of outstandingMaterials(b)) add(outstanding, b.itemCode, m);
  }
  // Items in the joint service's order; shared materials first, then each item's own.
  const itemOrder = (code: string) => v.service.itemCodes.indexOf(code);
  const ordered = (rows: Map<string, JointReceiptMaterial>) =>
    [...rows.values()]
      .map((m) => ({ ...m, itemCodes: [...m.itemCodes].sort((a, b) => itemOrder(a) - itemOrder(b)) }))
      .sort(
        (a, b) =>
          Number(b.shared) - Number(a.shared) || itemOrder(a.itemCodes[0] ?? '') - itemOrder(b.itemCodes[0] ?? ''),
      );
  return {
    received: ordered(received),
    fromLibraries: [...libraries.values()],
    outstanding: ordered(outstanding),
  };
}

/** The public progress page of a joint application (the link and QR code on its receipt). */
export function jointProgressUrl(publicUrl: string, receiptNumber: string, code: string): string {
  return `${publicUrl}/joint/progress?receipt=${encodeURIComponent(receiptNumber)}&code=${encodeURIComponent(code)}`;
}

/** The printable receipt of a joint application, printed at the window on acceptance. */
export function jointReceiptUrl(publicUrl: string, receiptNumber: string, code: string): string {
  return `${publicUrl}/joint/receipts/${encodeURIComponent(receiptNumber)}?code=${encodeURIComponent(code)}`;
}
