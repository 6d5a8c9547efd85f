-- CreateEnum
CREATE TYPE "CasualtyRecordStatus" AS ENUM ('placeholder', 'complete');

-- AlterEnum
ALTER TYPE "OutboxKind" ADD VALUE 'follow_up';

-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'victim_assistance';

-- CreateTable
CREATE TABLE "casualties" (
    "id" SERIAL NOT NULL,
    "status" "CasualtyRecordStatus" NOT NULL DEFAULT 'placeholder',
    "report_id" INTEGER,
    "outcome" TEXT NOT NULL DEFAULT 'unknown',
    "sex" TEXT NOT NULL DEFAULT 'unknown',
    "age" INTEGER,
    "age_group" TEXT NOT NULL DEFAULT 'unknown',
    "category" TEXT NOT NULL DEFAULT 'unknown',
    "activity" TEXT NOT NULL DEFAULT 'unknown',
    "device_category" TEXT NOT NULL DEFAULT 'unknown',
    "accident_date" TIMESTAMP(3),
    "accident_year" INTEGER,
    "admin_pcode" TEXT,
    "district_pcode" TEXT,
    "province_pcode" TEXT,
    "lat" DOUBLE PRECISION,
    "lon" DOUBLE PRECISION,
    "injuries" TEXT[],
    "name" TEXT,
    "contact_name" TEXT,
    "contact_phone" TEXT,
    "contact_relation" TEXT,
    "language" TEXT NOT NULL DEFAULT 'en',
    "notes" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "erased_at" TIMESTAMP(3),

    CONSTRAINT "casualties_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "va_consents" (
    "id" SERIAL NOT NULL,
    "casualty_id" INTEGER NOT NULL,
    "purpose" TEXT NOT NULL,
    "organisation" TEXT,
    "legal_basis" TEXT NOT NULL,
    "given_by" TEXT NOT NULL,
    "given_by_name" TEXT,
    "method" TEXT NOT NULL,
    "recorded_by" TEXT NOT NULL,
    "given_at" TIMESTAMP(3) NOT NULL,
    "withdrawn_at" TIMESTAMP(3),
    "notes" TEXT,

    CONSTRAINT "va_consents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "va_service_providers" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "organisation" TEXT,
    "province_pcode" TEXT NOT NULL,
    "service_type" TEXT NOT NULL,
    "phone" TEXT,
    "webhook_url" TEXT,
    "webhook_secret" TEXT,
    "language" TEXT NOT NULL DEFAULT 'en',
    "opening_hours" TEXT,
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "notes" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "va_service_providers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "va_referrals" (
    "id" SERIAL NOT NULL,
    "casualty_id" INTEGER NOT NULL,
    "provider_id" INTEGER NOT NULL,
    "service_type" TEXT NOT NULL,
    "province_pcode" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "needs" TEXT,
    "outcome" TEXT,
    "close_reason" TEXT,
    "override_reason" TEXT,
    "override_by" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "accepted_at" TIMESTAMP(3),
    "closed_at" TIMESTAMP(3),

    CONSTRAINT "va_referrals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "va_referral_events" (
    "id" SERIAL NOT NULL,
    "referral_id" INTEGER NOT NULL,
    "from_status" TEXT,
    "to_status" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "actor_type" TEXT NOT NULL,
    "note" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "va_referral_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "va_follow_ups" (
    "id" SERIAL NOT NULL,
    "referral_id" INTEGER NOT NULL,
    "casualty_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "offset_days" INTEGER NOT NULL,
    "due_at" TIMESTAMP(3) NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "last_sent_at" TIMESTAMP(3),
    "answer" TEXT,
    "answered_at" TIMESTAMP(3),
    "skip_reason" TEXT,

    CONSTRAINT "va_follow_ups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "va_tasks" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "casualty_id" INTEGER,
    "referral_id" INTEGER,
    "follow_up_id" INTEGER,
    "note" TEXT,
    "due_at" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMP(3),
    "closed_by" TEXT,

    CONSTRAINT "va_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "casualties_report_id_idx" ON "casualties"("report_id");

-- CreateIndex
CREATE INDEX "casualties_contact_phone_idx" ON "casualties"("contact_phone");

-- CreateIndex
CREATE INDEX "casualties_province_pcode_accident_year_idx" ON "casualties"("province_pcode", "accident_year");

-- CreateIndex
CREATE INDEX "va_consents_casualty_id_idx" ON "va_consents"("casualty_id");

-- CreateIndex
CREATE INDEX "va_service_providers_phone_idx" ON "va_service_providers"("phone");

-- CreateIndex
CREATE INDEX "va_service_providers_province_pcode_service_type_idx" ON "va_service_providers"("province_pcode", "service_type");

-- CreateIndex
CREATE INDEX "va_referrals_casualty_id_idx" ON "va_referrals"("casualty_id");

-- CreateIndex
CREATE INDEX "va_referrals_provider_id_status_idx" ON "va_referrals"("provider_id", "status");

-- CreateIndex
CREATE INDEX "va_referral_events_referral_id_at_idx" ON "va_referral_events"("referral_id", "at");

-- CreateIndex
CREATE INDEX "va_follow_ups_status_due_at_idx" ON "va_follow_ups"("status", "due_at");

-- CreateIndex
CREATE UNIQUE INDEX "va_follow_ups_referral_id_kind_key" ON "va_follow_ups"("referral_id", "kind");

-- CreateIndex
CREATE INDEX "va_tasks_status_due_at_idx" ON "va_tasks"("status", "due_at");

-- CreateIndex
CREATE UNIQUE INDEX "va_tasks_follow_up_id_kind_key" ON "va_tasks"("follow_up_id", "kind");

-- AddForeignKey
ALTER TABLE "va_consents" ADD CONSTRAINT "va_consents_casualty_id_fkey" FOREIGN KEY ("casualty_id") REFERENCES "casualties"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "va_referrals" ADD CONSTRAINT "va_referrals_casualty_id_fkey" FOREIGN KEY ("casualty_id") REFERENCES "casualties"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "va_referrals" ADD CONSTRAINT "va_referrals_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "va_service_providers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "va_referral_events" ADD CONSTRAINT "va_referral_events_referral_id_fkey" FOREIGN KEY ("referral_id") REFERENCES "va_referrals"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "va_follow_ups" ADD CONSTRAINT "va_follow_ups_referral_id_fkey" FOREIGN KEY ("referral_id") REFERENCES "va_referrals"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "va_follow_ups" ADD CONSTRAINT "va_follow_ups_casualty_id_fkey" FOREIGN KEY ("casualty_id") REFERENCES "casualties"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "va_tasks" ADD CONSTRAINT "va_tasks_casualty_id_fkey" FOREIGN KEY ("casualty_id") REFERENCES "casualties"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "va_tasks" ADD CONSTRAINT "va_tasks_referral_id_fkey" FOREIGN KEY ("referral_id") REFERENCES "va_referrals"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "va_tasks" ADD CONSTRAINT "va_tasks_follow_up_id_fkey" FOREIGN KEY ("follow_up_id") REFERENCES "va_follow_ups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

