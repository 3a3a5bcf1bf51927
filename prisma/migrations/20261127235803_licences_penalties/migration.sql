-- CreateEnum
CREATE TYPE "LicenceStatus" AS ENUM ('VALID', 'SUSPENDED', 'REVOKED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "LicenceAction" AS ENUM ('ISSUED', 'AMENDED', 'SUSPENDED', 'REINSTATED', 'REVOKED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "PenaltyKind" AS ENUM ('WARNING', 'FINE', 'CONFISCATION', 'SUSPENSION_OF_BUSINESS', 'LICENCE_SUSPENSION', 'LICENCE_REVOCATION', 'DETENTION', 'OTHER');

-- CreateEnum
CREATE TYPE "CreditRepairStatus" AS ENUM ('NOT_REPAIRED', 'IN_PROGRESS', 'REPAIRED');

-- CreateTable
CREATE TABLE "LicenceType" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "issuingDepartmentCode" TEXT NOT NULL,
    "validityMonths" INTEGER,
    "attributeSchema" JSONB NOT NULL DEFAULT '[]',
    "description" TEXT,

    CONSTRAINT "LicenceType_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "Licence" (
    "id" UUID NOT NULL,
    "typeCode" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "holderUscc" CHAR(18) NOT NULL,
    "issuingDepartmentCode" TEXT NOT NULL,
    "issuedOn" DATE NOT NULL,
    "validFrom" DATE NOT NULL,
    "validUntil" DATE,
    "scope" TEXT NOT NULL,
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "status" "LicenceStatus" NOT NULL DEFAULT 'VALID',
    "revision" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "sourceSystemId" UUID,
    "sourceRecordId" TEXT,
    "sourceVersion" INTEGER,

    CONSTRAINT "Licence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LicenceEvent" (
    "id" UUID NOT NULL,
    "licenceId" UUID NOT NULL,
    "action" "LicenceAction" NOT NULL,
    "fromStatus" "LicenceStatus",
    "toStatus" "LicenceStatus" NOT NULL,
    "reason" TEXT NOT NULL,
    "actorSystemId" UUID,
    "actorDepartmentCode" TEXT,
    "penaltyId" UUID,
    "changes" JSONB,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LicenceEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Penalty" (
    "id" UUID NOT NULL,
    "decisionNumber" TEXT NOT NULL,
    "enterpriseUscc" CHAR(18) NOT NULL,
    "decidingDepartmentCode" TEXT NOT NULL,
    "facts" TEXT NOT NULL,
    "legalBasis" TEXT NOT NULL,
    "kinds" "PenaltyKind"[],
    "fineAmount" DECIMAL(20,2),
    "confiscatedAmount" DECIMAL(20,2),
    "decidedOn" DATE NOT NULL,
    "publicityUntil" DATE,
    "creditRepairStatus" "CreditRepairStatus" NOT NULL DEFAULT 'NOT_REPAIRED',
    "licenceId" UUID,
    "suspensionUntil" DATE,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "sourceSystemId" UUID,
    "sourceRecordId" TEXT,
    "sourceVersion" INTEGER,

    CONSTRAINT "Penalty_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Licence_holderUscc_idx" ON "Licence"("holderUscc");

-- CreateIndex
CREATE INDEX "Licence_status_idx" ON "Licence"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Licence_typeCode_number_key" ON "Licence"("typeCode", "number");

-- CreateIndex
CREATE UNIQUE INDEX "Licence_sourceSystemId_sourceRecordId_key" ON "Licence"("sourceSystemId", "sourceRecordId");

-- CreateIndex
CREATE INDEX "LicenceEvent_licenceId_occurredAt_idx" ON "LicenceEvent"("licenceId", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "Penalty_decisionNumber_key" ON "Penalty"("decisionNumber");

-- CreateIndex
CREATE INDEX "Penalty_enterpriseUscc_idx" ON "Penalty"("enterpriseUscc");

-- CreateIndex
CREATE INDEX "Penalty_decidingDepartmentCode_idx" ON "Penalty"("decidingDepartmentCode");

-- CreateIndex
CREATE INDEX "Penalty_licenceId_idx" ON "Penalty"("licenceId");

-- CreateIndex
CREATE UNIQUE INDEX "Penalty_sourceSystemId_sourceRecordId_key" ON "Penalty"("sourceSystemId", "sourceRecordId");

-- AddForeignKey
ALTER TABLE "LicenceType" ADD CONSTRAINT "LicenceType_issuingDepartmentCode_fkey" FOREIGN KEY ("issuingDepartmentCode") REFERENCES "Department"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Licence" ADD CONSTRAINT "Licence_typeCode_fkey" FOREIGN KEY ("typeCode") REFERENCES "LicenceType"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Licence" ADD CONSTRAINT "Licence_holderUscc_fkey" FOREIGN KEY ("holderUscc") REFERENCES "Enterprise"("uscc") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Licence" ADD CONSTRAINT "Licence_issuingDepartmentCode_fkey" FOREIGN KEY ("issuingDepartmentCode") REFERENCES "Department"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Licence" ADD CONSTRAINT "Licence_sourceSystemId_fkey" FOREIGN KEY ("sourceSystemId") REFERENCES "DepartmentSystem"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LicenceEvent" ADD CONSTRAINT "LicenceEvent_licenceId_fkey" FOREIGN KEY ("licenceId") REFERENCES "Licence"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LicenceEvent" ADD CONSTRAINT "LicenceEvent_penaltyId_fkey" FOREIGN KEY ("penaltyId") REFERENCES "Penalty"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Penalty" ADD CONSTRAINT "Penalty_enterpriseUscc_fkey" FOREIGN KEY ("enterpriseUscc") REFERENCES "Enterprise"("uscc") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Penalty" ADD CONSTRAINT "Penalty_decidingDepartmentCode_fkey" FOREIGN KEY ("decidingDepartmentCode") REFERENCES "Department"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Penalty" ADD CONSTRAINT "Penalty_licenceId_fkey" FOREIGN KEY ("licenceId") REFERENCES "Licence"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Penalty" ADD CONSTRAINT "Penalty_sourceSystemId_fkey" FOREIGN KEY ("sourceSystemId") REFERENCES "DepartmentSystem"("id") ON DELETE SET NULL ON UPDATE CASCADE;
