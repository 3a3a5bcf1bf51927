/**
 * Which department owns each field of a shared record. A write of an owned field by another
 * department is not applied: it is recorded as a conflict for the owner to see.
 */

/** Enterprise fields are owned by market regulation (the registration authority's kind). */
export const ENTERPRISE_FIELDS = [
  'name',
  'type',
  'legalRepresentative',
  'legalRepresentativeIdNumber',
  'registeredCapital',
  'establishedOn',
  'registrationAuthorityCode',
  'address',
  'street',
  'businessScope',
  'status',
  'contactPhone',
] as const;

export const LICENCE_FIELDS = [
  'holderUscc',
  'issuedOn',
  'validFrom',
  'validUntil',
  'scope',
  'attributes',
  'status',
] as const;

export const PENALTY_FIELDS = [
  'enterpriseUscc',
  'facts',
  'legalBasis',
  'kinds',
  'fineAmount',
  'confiscatedAmount',
  'decidedOn',
  'publicityUntil',
  'suspensionUntil',
] as const;
