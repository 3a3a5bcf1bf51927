-- CreateEnum
CREATE TYPE "ChangeEntity" AS ENUM ('ENTERPRISE', 'LICENCE', 'PENALTY');

-- CreateEnum
CREATE TYPE "IngestionStatus" AS ENUM ('RUNNING', 'COMPLETED', 'FAILED');

-- CreateEnum
CREATE TYPE "QuarantineStatus" AS ENUM ('OPEN', 'RESUBMITTED', 'DISCARDED');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('PENDING', 'DELIVERED', 'FAILED');

-- CreateEnum
CREATE TYPE "Audience" AS ENUM ('ENTERPRISE', 'PERSON');

-- CreateEnum
CREATE TYPE "AcceptancePlace" AS ENUM ('DISTRICT_CENTRE', 'STREET_CENTRE', 'COMMUNITY_STATION');

-- CreateEnum
CREATE TYPE "OnlineLevel" AS ENUM ('NONE', 'BOOKING', 'PRE_REVIEW', 'FULLY_ONLINE');

-- CreateEnum
CREATE TYPE "CaseChannel" AS ENUM ('WINDOW', 'ONLINE', 'MOBILE', 'COMMUNITY_STATION', 'KIOSK');

-- CreateEnum
CREATE TYPE "CaseState" AS ENUM ('SUBMITTED', 'ACCEPTED', 'UNDERTAKEN', 'REVIEWED', 'APPROVED', 'REJECTED', 'CONCLUDED');

-- CreateEnum
CREATE TYPE "PauseKind" AS ENUM ('HEARING', 'SITE_INSPECTION', 'TESTING', 'EXPERT_REVIEW', 'SUPPLEMENTING', 'OTHER');

-- CreateEnum
CREATE TYPE "TrafficLight" AS ENUM ('GREEN', 'YELLOW', 'RED');

-- CreateEnum
CREATE TYPE "DayKind" AS ENUM ('HOLIDAY', 'WORKDAY');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('PENDING', 'SENT', 'FAILED');

-- CreateTable
CREATE TABLE "ChangeEvent" (
    "seq" BIGSERIAL NOT NULL,
    "txid" xid8 NOT NULL DEFAULT pg_current_xact_id(),
    "entityType" "ChangeEntity" NOT NULL,
    "entityId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "revision" INTEGER,
    "systemId" UUID,
    "departmentCode" TEXT,
    "changes" JSONB NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChangeEvent_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "FieldProvenance" (
    "entityType" "ChangeEntity" NOT NULL,
    "entityId" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "systemId" UUID,
    "departmentCode" TEXT NOT NULL,
    "sourceRecordId" TEXT,
    "sourceVersion" INTEGER,
    "setAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FieldProvenance_pkey" PRIMARY KEY ("entityType","entityId","field")
);

-- CreateTable
CREATE TABLE "FieldConflict" (
    "id" UUID NOT NULL,
    "entityType" "ChangeEntity" NOT NULL,
    "entityId" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "ownerDepartmentCode" TEXT NOT NULL,
    "systemId" UUID,
    "departmentCode" TEXT NOT NULL,
    "currentValue" JSONB,
    "attemptedValue" JSONB,
    "sourceRecordId" TEXT,
    "sourceVersion" INTEGER,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "FieldConflict_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SourceRecord" (
    "systemId" UUID NOT NULL,
    "sourceRecordId" TEXT NOT NULL,
    "entityType" "ChangeEntity" NOT NULL,
    "entityId" TEXT NOT NULL,
    "sourceVersion" INTEGER NOT NULL,
    "contentHash" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SourceRecord_pkey" PRIMARY KEY ("systemId","sourceRecordId")
);

-- CreateTable
CREATE TABLE "IngestionRun" (
    "id" UUID NOT NULL,
    "adapter" TEXT NOT NULL,
    "systemId" UUID NOT NULL,
    "file" TEXT NOT NULL,
    "fileSha256" TEXT NOT NULL,
    "status" "IngestionStatus" NOT NULL DEFAULT 'RUNNING',
    "total" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "conflicting" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "IngestionRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuarantinedRecord" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "adapter" TEXT NOT NULL,
    "systemId" UUID NOT NULL,
    "file" TEXT NOT NULL,
    "fileSha256" TEXT NOT NULL,
    "location" TEXT NOT NULL,
    "sourceRecordId" TEXT,
    "raw" JSONB NOT NULL,
    "problems" JSONB NOT NULL,
    "status" "QuarantineStatus" NOT NULL DEFAULT 'OPEN',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "QuarantinedRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Webhook" (
    "id" UUID NOT NULL,
    "systemId" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "entityTypes" "ChangeEntity"[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cursor" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "Webhook_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" UUID NOT NULL,
    "webhookId" UUID NOT NULL,
    "eventSeq" BIGINT NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceItem" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "departmentCode" TEXT NOT NULL,
    "audience" "Audience" NOT NULL,
    "acceptedAt" "AcceptancePlace"[],
    "onTheSpot" BOOLEAN NOT NULL,
    "conditions" TEXT[],
    "legalBasis" TEXT[],
    "materials" JSONB NOT NULL,
    "steps" TEXT[],
    "specialStages" TEXT[],
    "statutoryLimitDays" INTEGER NOT NULL,
    "committedLimitDays" INTEGER NOT NULL,
    "fees" JSONB NOT NULL,
    "online" "OnlineLevel" NOT NULL,
    "producesLicenceTypeCode" TEXT,
    "dependsOn" TEXT[],
    "consultationPhone" TEXT,
    "supervisionPhone" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ServiceItem_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "Case" (
    "id" UUID NOT NULL,
    "receiptNumber" TEXT NOT NULL,
    "verificationCode" TEXT NOT NULL,
    "itemCode" TEXT NOT NULL,
    "departmentCode" TEXT NOT NULL,
    "channel" "CaseChannel" NOT NULL,
    "acceptancePlace" "AcceptancePlace" NOT NULL,
    "applicantUscc" CHAR(18),
    "applicantName" TEXT NOT NULL,
    "applicantIdNumber" TEXT,
    "applicantPhone" TEXT,
    "state" "CaseState" NOT NULL DEFAULT 'SUBMITTED',
    "outcome" "CaseState",
    "submittedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acceptedAt" TIMESTAMP(3),
    "acceptedOn" DATE,
    "limitDays" INTEGER NOT NULL,
    "deadline" DATE,
    "pausedSince" DATE,
    "pauseKind" "PauseKind",
    "concludedAt" TIMESTAMP(3),
    "concludedOn" DATE,
    "usedWorkingDays" INTEGER,
    "onTime" BOOLEAN,
    "fullyOnline" BOOLEAN NOT NULL DEFAULT false,
    "materialsReceived" JSONB NOT NULL DEFAULT '[]',
    "missingMaterials" JSONB NOT NULL DEFAULT '[]',
    "noticeIssuedAt" TIMESTAMP(3),
    "lastLight" "TrafficLight",
    "licenceId" UUID,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseEvent" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "fromState" "CaseState",
    "toState" "CaseState" NOT NULL,
    "reason" TEXT,
    "actorSystemId" UUID,
    "actorDepartmentCode" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CasePause" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "kind" "PauseKind" NOT NULL,
    "fromDate" DATE NOT NULL,
    "toDate" DATE,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CasePause_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalendarOverride" (
    "date" DATE NOT NULL,
    "kind" "DayKind" NOT NULL,
    "name" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CalendarOverride_pkey" PRIMARY KEY ("date")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" UUID NOT NULL,
    "caseId" UUID,
    "kind" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "NotificationStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChangeEvent_entityType_seq_idx" ON "ChangeEvent"("entityType", "seq");

-- CreateIndex
CREATE INDEX "FieldConflict_ownerDepartmentCode_resolvedAt_idx" ON "FieldConflict"("ownerDepartmentCode", "resolvedAt");

-- CreateIndex
CREATE UNIQUE INDEX "FieldConflict_entityType_entityId_field_departmentCode_sour_key" ON "FieldConflict"("entityType", "entityId", "field", "departmentCode", "sourceRecordId", "sourceVersion");

-- CreateIndex
CREATE INDEX "SourceRecord_entityType_entityId_idx" ON "SourceRecord"("entityType", "entityId");

-- CreateIndex
CREATE INDEX "IngestionRun_adapter_startedAt_idx" ON "IngestionRun"("adapter", "startedAt");

-- CreateIndex
CREATE INDEX "QuarantinedRecord_adapter_status_idx" ON "QuarantinedRecord"("adapter", "status");

-- CreateIndex
CREATE UNIQUE INDEX "QuarantinedRecord_adapter_fileSha256_location_key" ON "QuarantinedRecord"("adapter", "fileSha256", "location");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_nextAttemptAt_idx" ON "WebhookDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_webhookId_eventSeq_key" ON "WebhookDelivery"("webhookId", "eventSeq");

-- CreateIndex
CREATE INDEX "ServiceItem_departmentCode_idx" ON "ServiceItem"("departmentCode");

-- CreateIndex
CREATE UNIQUE INDEX "Case_receiptNumber_key" ON "Case"("receiptNumber");

-- CreateIndex
CREATE INDEX "Case_departmentCode_state_idx" ON "Case"("departmentCode", "state");

-- CreateIndex
CREATE INDEX "Case_itemCode_acceptedOn_idx" ON "Case"("itemCode", "acceptedOn");

-- CreateIndex
CREATE INDEX "Case_acceptedOn_idx" ON "Case"("acceptedOn");

-- CreateIndex
CREATE INDEX "Case_concludedOn_idx" ON "Case"("concludedOn");

-- CreateIndex
CREATE INDEX "Case_state_deadline_idx" ON "Case"("state", "deadline");

-- CreateIndex
CREATE INDEX "CaseEvent_caseId_occurredAt_idx" ON "CaseEvent"("caseId", "occurredAt");

-- CreateIndex
CREATE INDEX "CasePause_caseId_idx" ON "CasePause"("caseId");

-- CreateIndex
CREATE INDEX "Notification_status_nextAttemptAt_idx" ON "Notification"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Notification_caseId_idx" ON "Notification"("caseId");

-- AddForeignKey
ALTER TABLE "QuarantinedRecord" ADD CONSTRAINT "QuarantinedRecord_runId_fkey" FOREIGN KEY ("runId") REFERENCES "IngestionRun"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_webhookId_fkey" FOREIGN KEY ("webhookId") REFERENCES "Webhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_itemCode_fkey" FOREIGN KEY ("itemCode") REFERENCES "ServiceItem"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseEvent" ADD CONSTRAINT "CaseEvent_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CasePause" ADD CONSTRAINT "CasePause_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;
