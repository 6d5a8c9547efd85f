-- CreateEnum
CREATE TYPE "AdminLevel" AS ENUM ('province', 'district', 'commune', 'village');

-- CreateEnum
CREATE TYPE "SubscriberStatus" AS ENUM ('inactive', 'pending', 'active', 'opted_out');

-- CreateEnum
CREATE TYPE "ReportStatus" AS ENUM ('received', 'triaged', 'dispatched', 'acknowledged', 'verified', 'tasked', 'cleared', 'false_alarm', 'duplicate', 'not_found');

-- CreateEnum
CREATE TYPE "ReportPriority" AS ENUM ('critical', 'high', 'normal');

-- CreateEnum
CREATE TYPE "DeviceClass" AS ENUM ('ap_mine', 'at_mine', 'cluster_submunition', 'uxo', 'axo', 'ied', 'unknown');

-- CreateEnum
CREATE TYPE "CampaignStatus" AS ENUM ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled');

-- CreateEnum
CREATE TYPE "Channel" AS ENUM ('sms', 'voice');

-- CreateEnum
CREATE TYPE "OutboxKind" AS ENUM ('reply', 'question', 'alert', 'alert_note', 'escalation', 'report_update', 'referral', 'campaign', 'webhook', 'call');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('pending', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'unknown');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'educator', 'coordinator');

-- CreateTable
CREATE TABLE "admin_units" (
    "pcode" TEXT NOT NULL,
    "level" "AdminLevel" NOT NULL,
    "parent_pcode" TEXT,
    "country" TEXT NOT NULL DEFAULT 'KH',
    "name_en" TEXT NOT NULL,
    "name_local" TEXT,
    "unit_type" TEXT,
    "lat" DOUBLE PRECISION,
    "lon" DOUBLE PRECISION,
    "timezone" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "admin_units_pkey" PRIMARY KEY ("pcode")
);

-- CreateTable
CREATE TABLE "subscribers" (
    "id" SERIAL NOT NULL,
    "phone" TEXT NOT NULL,
    "language" TEXT NOT NULL DEFAULT 'en',
    "language_source" TEXT NOT NULL DEFAULT 'guessed',
    "district_pcode" TEXT,
    "status" "SubscriberStatus" NOT NULL DEFAULT 'inactive',
    "number_invalid_at" TIMESTAMP(3),
    "source" TEXT NOT NULL DEFAULT 'sms',
    "joined_at" TIMESTAMP(3),
    "opted_out_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "subscribers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inbound_messages" (
    "id" SERIAL NOT NULL,
    "message_sid" TEXT NOT NULL,
    "channel" TEXT NOT NULL DEFAULT 'sms',
    "from_phone" TEXT NOT NULL,
    "to_phone" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "num_media" INTEGER NOT NULL DEFAULT 0,
    "media_urls" JSONB NOT NULL DEFAULT '[]',
    "handled_as" TEXT,
    "reply_text" TEXT,
    "subscriber_id" INTEGER,
    "report_id" INTEGER,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbound_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "clearance_teams" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "organisation" TEXT,
    "is_fallback" BOOLEAN NOT NULL DEFAULT false,
    "webhook_url" TEXT,
    "webhook_secret" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "clearance_teams_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "team_coverages" (
    "team_id" INTEGER NOT NULL,
    "pcode" TEXT NOT NULL,

    CONSTRAINT "team_coverages_pkey" PRIMARY KEY ("team_id","pcode")
);

-- CreateTable
CREATE TABLE "team_contacts" (
    "id" SERIAL NOT NULL,
    "team_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "language" TEXT NOT NULL DEFAULT 'en',
    "position" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "team_contacts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "hazard_reports" (
    "id" SERIAL NOT NULL,
    "status" "ReportStatus" NOT NULL DEFAULT 'received',
    "priority" "ReportPriority" NOT NULL DEFAULT 'normal',
    "priority_reasons" TEXT[],
    "device_class" "DeviceClass" NOT NULL DEFAULT 'unknown',
    "original_text" TEXT NOT NULL,
    "reporter_phone" TEXT NOT NULL,
    "reporter_id" INTEGER,
    "locale" TEXT NOT NULL DEFAULT 'en',
    "channel" TEXT NOT NULL DEFAULT 'sms',
    "lat" DOUBLE PRECISION,
    "lon" DOUBLE PRECISION,
    "accuracy_m" DOUBLE PRECISION,
    "location_text" TEXT,
    "location_source" TEXT,
    "location_confidence" DOUBLE PRECISION,
    "admin_pcode" TEXT,
    "district_pcode" TEXT,
    "province_pcode" TEXT,
    "casualties" BOOLEAN NOT NULL DEFAULT false,
    "context_flags" TEXT[],
    "media_urls" JSONB NOT NULL DEFAULT '[]',
    "parse" JSONB NOT NULL DEFAULT '{}',
    "dialogue_state" TEXT,
    "questions_asked" INTEGER NOT NULL DEFAULT 0,
    "dialogue_until" TIMESTAMP(3),
    "duplicate_of_id" INTEGER,
    "team_id" INTEGER,
    "assignee" TEXT,
    "acknowledged_at" TIMESTAMP(3),
    "closed_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "hazard_reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "report_events" (
    "id" SERIAL NOT NULL,
    "report_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "from_status" "ReportStatus",
    "to_status" "ReportStatus",
    "actor" TEXT NOT NULL,
    "actor_type" TEXT NOT NULL,
    "note" TEXT,
    "details" JSONB,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "report_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" SERIAL NOT NULL,
    "report_id" INTEGER NOT NULL,
    "team_id" INTEGER,
    "contact_id" INTEGER,
    "state" TEXT NOT NULL DEFAULT 'open',
    "step" INTEGER NOT NULL DEFAULT 0,
    "next_escalation_at" TIMESTAMP(3),
    "acknowledged_at" TIMESTAMP(3),
    "acknowledged_by" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaigns" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "status" "CampaignStatus" NOT NULL DEFAULT 'draft',
    "channel" "Channel" NOT NULL DEFAULT 'sms',
    "message_id" TEXT,
    "texts" JSONB,
    "districts" TEXT[],
    "languages" TEXT[],
    "schedule_at" TIMESTAMP(3),
    "cron" TEXT,
    "timezone" TEXT NOT NULL DEFAULT 'Asia/Phnom_Penh',
    "start_at" TIMESTAMP(3),
    "end_at" TIMESTAMP(3),
    "quiet_start" TEXT,
    "quiet_end" TEXT,
    "max_per_subscriber_per_week" INTEGER,
    "variables" JSONB NOT NULL DEFAULT '{}',
    "next_run_at" TIMESTAMP(3),
    "created_by" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "campaigns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaign_runs" (
    "id" SERIAL NOT NULL,
    "campaign_id" INTEGER NOT NULL,
    "occurrence_at" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'claimed',
    "instance_id" TEXT,
    "stats" JSONB NOT NULL DEFAULT '{}',
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "campaign_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox" (
    "id" SERIAL NOT NULL,
    "kind" "OutboxKind" NOT NULL,
    "channel" TEXT NOT NULL DEFAULT 'sms',
    "priority" INTEGER NOT NULL DEFAULT 50,
    "recipient" TEXT NOT NULL,
    "sender" TEXT,
    "body" TEXT NOT NULL,
    "locale" TEXT,
    "encoding" TEXT,
    "segments" INTEGER NOT NULL DEFAULT 1,
    "status" "OutboxStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimed_at" TIMESTAMP(3),
    "claimed_by" TEXT,
    "provider_id" TEXT,
    "last_error_code" TEXT,
    "last_error" TEXT,
    "report_id" INTEGER,
    "alert_id" INTEGER,
    "campaign_id" INTEGER,
    "campaign_run_id" INTEGER,
    "subscriber_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMP(3),
    "delivered_at" TIMESTAMP(3),

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "key_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "actor_type" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entity" TEXT,
    "entity_id" TEXT,
    "details" JSONB,
    "request_id" TEXT,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_claims" (
    "key" TEXT NOT NULL,
    "instance_id" TEXT NOT NULL,
    "claimed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_claims_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "admin_units_parent_pcode_idx" ON "admin_units"("parent_pcode");

-- CreateIndex
CREATE INDEX "admin_units_level_idx" ON "admin_units"("level");

-- CreateIndex
CREATE UNIQUE INDEX "subscribers_phone_key" ON "subscribers"("phone");

-- CreateIndex
CREATE INDEX "subscribers_district_pcode_status_idx" ON "subscribers"("district_pcode", "status");

-- CreateIndex
CREATE INDEX "subscribers_status_language_idx" ON "subscribers"("status", "language");

-- CreateIndex
CREATE UNIQUE INDEX "inbound_messages_message_sid_key" ON "inbound_messages"("message_sid");

-- CreateIndex
CREATE INDEX "inbound_messages_from_phone_received_at_idx" ON "inbound_messages"("from_phone", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "clearance_teams_name_key" ON "clearance_teams"("name");

-- CreateIndex
CREATE INDEX "team_coverages_pcode_idx" ON "team_coverages"("pcode");

-- CreateIndex
CREATE INDEX "team_contacts_phone_idx" ON "team_contacts"("phone");

-- CreateIndex
CREATE UNIQUE INDEX "team_contacts_team_id_phone_key" ON "team_contacts"("team_id", "phone");

-- CreateIndex
CREATE INDEX "hazard_reports_status_created_at_idx" ON "hazard_reports"("status", "created_at");

-- CreateIndex
CREATE INDEX "hazard_reports_district_pcode_created_at_idx" ON "hazard_reports"("district_pcode", "created_at");

-- CreateIndex
CREATE INDEX "hazard_reports_reporter_phone_created_at_idx" ON "hazard_reports"("reporter_phone", "created_at");

-- CreateIndex
CREATE INDEX "report_events_report_id_at_idx" ON "report_events"("report_id", "at");

-- CreateIndex
CREATE INDEX "alerts_state_next_escalation_at_idx" ON "alerts"("state", "next_escalation_at");

-- CreateIndex
CREATE INDEX "campaigns_status_next_run_at_idx" ON "campaigns"("status", "next_run_at");

-- CreateIndex
CREATE UNIQUE INDEX "campaign_runs_campaign_id_occurrence_at_key" ON "campaign_runs"("campaign_id", "occurrence_at");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_provider_id_key" ON "outbox"("provider_id");

-- CreateIndex
CREATE INDEX "outbox_status_priority_next_attempt_at_idx" ON "outbox"("status", "priority", "next_attempt_at");

-- CreateIndex
CREATE INDEX "outbox_campaign_id_status_idx" ON "outbox"("campaign_id", "status");

-- CreateIndex
CREATE INDEX "outbox_report_id_idx" ON "outbox"("report_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE INDEX "audit_log_entity_entity_id_idx" ON "audit_log"("entity", "entity_id");

-- CreateIndex
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");

-- AddForeignKey
ALTER TABLE "admin_units" ADD CONSTRAINT "admin_units_parent_pcode_fkey" FOREIGN KEY ("parent_pcode") REFERENCES "admin_units"("pcode") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_district_pcode_fkey" FOREIGN KEY ("district_pcode") REFERENCES "admin_units"("pcode") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_subscriber_id_fkey" FOREIGN KEY ("subscriber_id") REFERENCES "subscribers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "hazard_reports"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "team_coverages" ADD CONSTRAINT "team_coverages_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "clearance_teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "team_coverages" ADD CONSTRAINT "team_coverages_pcode_fkey" FOREIGN KEY ("pcode") REFERENCES "admin_units"("pcode") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "team_contacts" ADD CONSTRAINT "team_contacts_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "clearance_teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "hazard_reports" ADD CONSTRAINT "hazard_reports_reporter_id_fkey" FOREIGN KEY ("reporter_id") REFERENCES "subscribers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "hazard_reports" ADD CONSTRAINT "hazard_reports_district_pcode_fkey" FOREIGN KEY ("district_pcode") REFERENCES "admin_units"("pcode") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "hazard_reports" ADD CONSTRAINT "hazard_reports_duplicate_of_id_fkey" FOREIGN KEY ("duplicate_of_id") REFERENCES "hazard_reports"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "hazard_reports" ADD CONSTRAINT "hazard_reports_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "clearance_teams"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "report_events" ADD CONSTRAINT "report_events_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "hazard_reports"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "hazard_reports"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "clearance_teams"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "team_contacts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "campaign_runs" ADD CONSTRAINT "campaign_runs_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "hazard_reports"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_campaign_run_id_fkey" FOREIGN KEY ("campaign_run_id") REFERENCES "campaign_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_subscriber_id_fkey" FOREIGN KEY ("subscriber_id") REFERENCES "subscribers"("id") ON DELETE SET NULL ON UPDATE CASCADE;
