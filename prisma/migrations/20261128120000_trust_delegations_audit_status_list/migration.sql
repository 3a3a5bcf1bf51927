-- Licence.statusIndex: a stable position in the published status list. Existing licences are
-- numbered in the order they were created, then new ones take the next value of the sequence.
CREATE SEQUENCE "Licence_statusIndex_seq" AS INTEGER;
ALTER TABLE "Licence" ADD COLUMN "statusIndex" INTEGER;
UPDATE "Licence" l SET "statusIndex" = n.rn
  FROM (SELECT id, nextval('"Licence_statusIndex_seq"') AS rn FROM (SELECT id FROM "Licence" ORDER BY "createdAt", id) o) n
  WHERE l.id = n.id;
ALTER TABLE "Licence" ALTER COLUMN "statusIndex" SET NOT NULL;
ALTER TABLE "Licence" ALTER COLUMN "statusIndex" SET DEFAULT nextval('"Licence_statusIndex_seq"');
ALTER SEQUENCE "Licence_statusIndex_seq" OWNED BY "Licence"."statusIndex";

-- CreateTable
CREATE TABLE "EnforcementDelegation" (
    "departmentCode" TEXT NOT NULL,
    "licenceTypeCode" TEXT NOT NULL,
    "basis" TEXT NOT NULL,
    "validFrom" DATE NOT NULL,
    "validUntil" DATE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EnforcementDelegation_pkey" PRIMARY KEY ("departmentCode","licenceTypeCode","validFrom")
);

-- CreateTable
CREATE TABLE "LicenceStatusListVersion" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "LicenceStatusListVersion_pkey" PRIMARY KEY ("id")
);
INSERT INTO "LicenceStatusListVersion" ("id", "version") VALUES (1, 0);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "seq" BIGSERIAL NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "systemId" UUID,
    "departmentCode" TEXT,
    "keyId" TEXT,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "fields" TEXT[],
    "purpose" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "EnforcementDelegation_licenceTypeCode_idx" ON "EnforcementDelegation"("licenceTypeCode");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_hash_key" ON "AuditEntry"("hash");

-- CreateIndex
CREATE INDEX "AuditEntry_entityType_entityId_idx" ON "AuditEntry"("entityType", "entityId");

-- CreateIndex
CREATE INDEX "AuditEntry_systemId_seq_idx" ON "AuditEntry"("systemId", "seq");

-- CreateIndex
CREATE INDEX "AuditEntry_departmentCode_seq_idx" ON "AuditEntry"("departmentCode", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "Licence_statusIndex_key" ON "Licence"("statusIndex");

-- AddForeignKey
ALTER TABLE "EnforcementDelegation" ADD CONSTRAINT "EnforcementDelegation_departmentCode_fkey" FOREIGN KEY ("departmentCode") REFERENCES "Department"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnforcementDelegation" ADD CONSTRAINT "EnforcementDelegation_licenceTypeCode_fkey" FOREIGN KEY ("licenceTypeCode") REFERENCES "LicenceType"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

