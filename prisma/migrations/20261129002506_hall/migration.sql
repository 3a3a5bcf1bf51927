-- CreateEnum
CREATE TYPE "BookingStatus" AS ENUM ('BOOKED', 'CANCELLED', 'KEPT', 'MISSED');

-- CreateEnum
CREATE TYPE "DraftState" AS ENUM ('EDITING', 'PENDING_REVIEW', 'RETURNED', 'PASSED');

-- CreateEnum
CREATE TYPE "TicketKind" AS ENUM ('COMPLAINT', 'CONSULTATION');

-- CreateTable
CREATE TABLE "HallAccount" (
    "id" UUID NOT NULL,
    "phone" TEXT NOT NULL,
    "name" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HallAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HallSession" (
    "tokenHash" TEXT NOT NULL,
    "accountId" UUID NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HallSession_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateTable
CREATE TABLE "HallSmsCode" (
    "id" UUID NOT NULL,
    "phone" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HallSmsCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HallEnterpriseLink" (
    "accountId" UUID NOT NULL,
    "uscc" CHAR(18) NOT NULL,
    "via" TEXT NOT NULL,
    "grantedBy" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HallEnterpriseLink_pkey" PRIMARY KEY ("accountId","uscc")
);

-- CreateTable
CREATE TABLE "BookingSlot" (
    "id" UUID NOT NULL,
    "place" "AcceptancePlace" NOT NULL,
    "itemCode" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "slot" TEXT NOT NULL,
    "capacity" INTEGER NOT NULL,
    "booked" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BookingSlot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Booking" (
    "id" UUID NOT NULL,
    "slotId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "uscc" CHAR(18),
    "status" "BookingStatus" NOT NULL DEFAULT 'BOOKED',
    "remindedAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "attendedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Booking_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HallDraft" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "itemCode" TEXT NOT NULL,
    "departmentCode" TEXT NOT NULL,
    "applicantUscc" CHAR(18),
    "applicantName" TEXT NOT NULL,
    "applicantIdNumber" TEXT,
    "applicantPhone" TEXT NOT NULL,
    "state" "DraftState" NOT NULL DEFAULT 'EDITING',
    "returnedItems" JSONB NOT NULL DEFAULT '[]',
    "returnedAt" TIMESTAMP(3),
    "reviewedAt" TIMESTAMP(3),
    "caseId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HallDraft_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HallFile" (
    "id" UUID NOT NULL,
    "draftId" UUID NOT NULL,
    "materialCode" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "storageKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HallFile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Evaluation" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "accountId" UUID,
    "departmentCode" TEXT NOT NULL,
    "itemCode" TEXT NOT NULL,
    "stars" INTEGER NOT NULL,
    "tags" TEXT[],
    "comment" TEXT,
    "channel" TEXT NOT NULL,
    "followUp" BOOLEAN NOT NULL DEFAULT false,
    "followUpNote" TEXT,
    "followUpClosedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Evaluation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HallTicket" (
    "id" UUID NOT NULL,
    "kind" "TicketKind" NOT NULL,
    "accountId" UUID NOT NULL,
    "departmentCode" TEXT NOT NULL,
    "caseId" UUID,
    "itemCode" TEXT,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "answer" TEXT,
    "answeredAt" TIMESTAMP(3),
    "answeredOn" DATE,
    "dueOn" DATE NOT NULL,
    "escalatedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HallTicket_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "HallAccount_phone_key" ON "HallAccount"("phone");

-- CreateIndex
CREATE INDEX "HallSession_accountId_idx" ON "HallSession"("accountId");

-- CreateIndex
CREATE INDEX "HallSmsCode_phone_createdAt_idx" ON "HallSmsCode"("phone", "createdAt");

-- CreateIndex
CREATE INDEX "HallEnterpriseLink_uscc_idx" ON "HallEnterpriseLink"("uscc");

-- CreateIndex
CREATE INDEX "BookingSlot_itemCode_day_idx" ON "BookingSlot"("itemCode", "day");

-- CreateIndex
CREATE UNIQUE INDEX "BookingSlot_place_itemCode_day_slot_key" ON "BookingSlot"("place", "itemCode", "day", "slot");

-- CreateIndex
CREATE INDEX "Booking_accountId_idx" ON "Booking"("accountId");

-- CreateIndex
CREATE INDEX "Booking_slotId_status_idx" ON "Booking"("slotId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "HallDraft_caseId_key" ON "HallDraft"("caseId");

-- CreateIndex
CREATE INDEX "HallDraft_accountId_idx" ON "HallDraft"("accountId");

-- CreateIndex
CREATE INDEX "HallDraft_departmentCode_state_idx" ON "HallDraft"("departmentCode", "state");

-- CreateIndex
CREATE INDEX "HallFile_draftId_idx" ON "HallFile"("draftId");

-- CreateIndex
CREATE UNIQUE INDEX "Evaluation_caseId_key" ON "Evaluation"("caseId");

-- CreateIndex
CREATE INDEX "Evaluation_departmentCode_createdAt_idx" ON "Evaluation"("departmentCode", "createdAt");

-- CreateIndex
CREATE INDEX "HallTicket_accountId_idx" ON "HallTicket"("accountId");

-- CreateIndex
CREATE INDEX "HallTicket_departmentCode_answeredAt_idx" ON "HallTicket"("departmentCode", "answeredAt");

-- CreateIndex
CREATE INDEX "HallTicket_dueOn_idx" ON "HallTicket"("dueOn");

-- AddForeignKey
ALTER TABLE "HallSession" ADD CONSTRAINT "HallSession_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "HallAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HallEnterpriseLink" ADD CONSTRAINT "HallEnterpriseLink_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "HallAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_slotId_fkey" FOREIGN KEY ("slotId") REFERENCES "BookingSlot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "HallAccount"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HallDraft" ADD CONSTRAINT "HallDraft_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "HallAccount"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HallFile" ADD CONSTRAINT "HallFile_draftId_fkey" FOREIGN KEY ("draftId") REFERENCES "HallDraft"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HallTicket" ADD CONSTRAINT "HallTicket_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "HallAccount"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A slot never holds more bookings than its capacity, whatever the code does.
ALTER TABLE "BookingSlot" ADD CONSTRAINT "BookingSlot_booked_within_capacity" CHECK ("booked" >= 0 AND "booked" <= "capacity");
ALTER TABLE "Evaluation" ADD CONSTRAINT "Evaluation_stars_range" CHECK ("stars" BETWEEN 1 AND 5);
