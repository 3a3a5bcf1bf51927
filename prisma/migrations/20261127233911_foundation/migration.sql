-- CreateEnum
CREATE TYPE "DepartmentKind" AS ENUM ('MARKET_REGULATION', 'HOUSING_CONSTRUCTION', 'ECOLOGY_ENVIRONMENT', 'FIRE_RESCUE', 'HEALTH', 'LAW_ENFORCEMENT', 'APPROVAL_CENTRE', 'STREET_OFFICE', 'COMMUNITY_STATION', 'OTHER');

-- CreateEnum
CREATE TYPE "EnterpriseType" AS ENUM ('LIMITED_LIABILITY_COMPANY', 'JOINT_STOCK_COMPANY', 'SOLE_PROPRIETORSHIP', 'PARTNERSHIP', 'INDIVIDUAL_BUSINESS', 'FARMERS_COOPERATIVE', 'FOREIGN_INVESTED', 'BRANCH', 'OTHER');

-- CreateEnum
CREATE TYPE "EnterpriseStatus" AS ENUM ('ACTIVE', 'REVOKED', 'CANCELLED', 'MOVED_OUT');

-- CreateTable
CREATE TABLE "Department" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "DepartmentKind" NOT NULL,
    "consultationPhone" TEXT,
    "supervisionPhone" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Department_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "DepartmentSystem" (
    "id" UUID NOT NULL,
    "departmentCode" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "scopes" TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DepartmentSystem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "systemId" UUID NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Enterprise" (
    "uscc" CHAR(18) NOT NULL,
    "name" TEXT NOT NULL,
    "type" "EnterpriseType" NOT NULL,
    "legalRepresentative" TEXT NOT NULL,
    "legalRepresentativeIdNumber" TEXT NOT NULL,
    "registeredCapital" DECIMAL(20,2) NOT NULL,
    "establishedOn" DATE NOT NULL,
    "registrationAuthorityCode" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "street" TEXT NOT NULL,
    "businessScope" TEXT NOT NULL,
    "status" "EnterpriseStatus" NOT NULL DEFAULT 'ACTIVE',
    "contactPhone" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "sourceSystemId" UUID,
    "sourceRecordId" TEXT,
    "sourceVersion" INTEGER,

    CONSTRAINT "Enterprise_pkey" PRIMARY KEY ("uscc")
);

-- CreateIndex
CREATE UNIQUE INDEX "DepartmentSystem_departmentCode_name_key" ON "DepartmentSystem"("departmentCode", "name");

-- CreateIndex
CREATE INDEX "ApiKey_systemId_idx" ON "ApiKey"("systemId");

-- CreateIndex
CREATE INDEX "Enterprise_name_idx" ON "Enterprise"("name");

-- CreateIndex
CREATE INDEX "Enterprise_street_idx" ON "Enterprise"("street");

-- CreateIndex
CREATE INDEX "Enterprise_status_idx" ON "Enterprise"("status");

-- CreateIndex
CREATE INDEX "Enterprise_registrationAuthorityCode_idx" ON "Enterprise"("registrationAuthorityCode");

-- CreateIndex
CREATE UNIQUE INDEX "Enterprise_sourceSystemId_sourceRecordId_key" ON "Enterprise"("sourceSystemId", "sourceRecordId");

-- AddForeignKey
ALTER TABLE "DepartmentSystem" ADD CONSTRAINT "DepartmentSystem_departmentCode_fkey" FOREIGN KEY ("departmentCode") REFERENCES "Department"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_systemId_fkey" FOREIGN KEY ("systemId") REFERENCES "DepartmentSystem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Enterprise" ADD CONSTRAINT "Enterprise_registrationAuthorityCode_fkey" FOREIGN KEY ("registrationAuthorityCode") REFERENCES "Department"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Enterprise" ADD CONSTRAINT "Enterprise_sourceSystemId_fkey" FOREIGN KEY ("sourceSystemId") REFERENCES "DepartmentSystem"("id") ON DELETE SET NULL ON UPDATE CASCADE;
