-- Administrative Licensing Law art. 32: refusal to accept (不予受理), deferred notices and deemed acceptance.
ALTER TYPE "CaseState" ADD VALUE 'NOT_ACCEPTED' BEFORE 'ACCEPTED';

-- Once-only materials: what the libraries fulfilled (免于提交).
ALTER TABLE "Case" ADD COLUMN "sharedMaterials" JSONB NOT NULL DEFAULT '[]',
  ADD COLUMN "noticeDeferred" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "deemedAccepted" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "notAcceptedAt" TIMESTAMP(3),
  ADD COLUMN "notAcceptedReason" TEXT;

-- Licence numbering per type: the pattern checked on issue and the format the hub numbers with.
ALTER TABLE "LicenceType" ADD COLUMN "numberPattern" TEXT, ADD COLUMN "numberFormat" TEXT;

CREATE TABLE "LicenceNumberSequence" (
    "typeCode" TEXT NOT NULL,
    "period" INTEGER NOT NULL,
    "last" INTEGER NOT NULL,
    CONSTRAINT "LicenceNumberSequence_pkey" PRIMARY KEY ("typeCode","period")
);
ALTER TABLE "LicenceNumberSequence" ADD CONSTRAINT "LicenceNumberSequence_typeCode_fkey" FOREIGN KEY ("typeCode") REFERENCES "LicenceType"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
