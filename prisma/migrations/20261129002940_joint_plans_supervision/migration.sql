-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "jointApplicationId" UUID;

-- CreateTable
CREATE TABLE "JointService" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "leadDepartmentCode" TEXT NOT NULL,
    "itemCodes" TEXT[],
    "sharedMaterials" JSONB NOT NULL,
    "jointLimitDays" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JointService_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "JointApplication" (
    "id" UUID NOT NULL,
    "receiptNumber" TEXT NOT NULL,
    "verificationCode" TEXT NOT NULL,
    "serviceCode" TEXT NOT NULL,
    "leadDepartmentCode" TEXT NOT NULL,
    "applicantUscc" CHAR(18),
    "applicantName" TEXT NOT NULL,
    "applicantPhone" TEXT,
    "channel" "CaseChannel" NOT NULL,
    "submittedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acceptedOn" DATE,
    "jointLimitDays" INTEGER NOT NULL,
    "serialLimitDays" INTEGER NOT NULL,
    "concludedOn" DATE,
    "outcome" "CaseState",
    "usedWorkingDays" INTEGER,
    "onTime" BOOLEAN,
    "projectName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JointApplication_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServicePlan" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "applicantUscc" CHAR(18),
    "itemCodes" TEXT[],
    "extraOrder" JSONB NOT NULL DEFAULT '[]',
    "startOn" DATE NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ServicePlan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseCallback" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "departmentCode" TEXT NOT NULL,
    "concludedOn" DATE NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "satisfied" BOOLEAN,
    "result" TEXT,
    "recordedAt" TIMESTAMP(3),
    "recordedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseCallback_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TargetedPush" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "departmentCode" TEXT NOT NULL,
    "itemCodes" TEXT[],
    "sentOn" DATE NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TargetedPush_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Admonition" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "departmentCode" TEXT NOT NULL,
    "issuedOn" DATE NOT NULL,
    "recipient" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Admonition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DepartmentHead" (
    "departmentCode" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DepartmentHead_pkey" PRIMARY KEY ("departmentCode")
);

-- CreateIndex
CREATE UNIQUE INDEX "JointApplication_receiptNumber_key" ON "JointApplication"("receiptNumber");

-- CreateIndex
CREATE INDEX "JointApplication_leadDepartmentCode_concludedOn_idx" ON "JointApplication"("leadDepartmentCode", "concludedOn");

-- CreateIndex
CREATE INDEX "JointApplication_concludedOn_idx" ON "JointApplication"("concludedOn");

-- CreateIndex
CREATE UNIQUE INDEX "CaseCallback_caseId_key" ON "CaseCallback"("caseId");

-- CreateIndex
CREATE INDEX "CaseCallback_departmentCode_concludedOn_idx" ON "CaseCallback"("departmentCode", "concludedOn");

-- CreateIndex
CREATE INDEX "CaseCallback_status_idx" ON "CaseCallback"("status");

-- CreateIndex
CREATE UNIQUE INDEX "TargetedPush_caseId_key" ON "TargetedPush"("caseId");

-- CreateIndex
CREATE INDEX "TargetedPush_departmentCode_sentOn_idx" ON "TargetedPush"("departmentCode", "sentOn");

-- CreateIndex
CREATE UNIQUE INDEX "Admonition_caseId_key" ON "Admonition"("caseId");

-- CreateIndex
CREATE INDEX "Admonition_departmentCode_issuedOn_idx" ON "Admonition"("departmentCode", "issuedOn");

-- CreateIndex
CREATE INDEX "Case_jointApplicationId_idx" ON "Case"("jointApplicationId");

-- AddForeignKey
ALTER TABLE "JointApplication" ADD CONSTRAINT "JointApplication_serviceCode_fkey" FOREIGN KEY ("serviceCode") REFERENCES "JointService"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
