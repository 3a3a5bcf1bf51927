-- Case statistics from a daily rollup kept in the same transaction as every change of a case.
--
-- Each case contributes to at most two rows of "CaseDailyRollup": on its acceptance day (accepted,
-- online, fully online, shared materials) and on its conclusion day (concluded, on time, late,
-- speed-up). Statement-level triggers with transition tables subtract the old rows'
-- contributions and add the new rows', aggregated per (day, department, item), so a bulk insert of
-- 30,000 cases is one grouped upsert, and an update that touches none of the counted columns
-- writes nothing. Speed-up sums are NUMERIC: sums of exact decimals do not depend on the order of
-- addition, so the rollup equals its recomputation exactly (hub stats verify).

-- The statutory limit frozen when the case is registered (like the committed limit in
-- "limitDays"): the speed-up of a concluded case no longer moves when the catalogue changes.
ALTER TABLE "Case" ADD COLUMN "statutoryLimitDays" INTEGER;
UPDATE "Case" c SET "statutoryLimitDays" = s."statutoryLimitDays" FROM "ServiceItem" s WHERE s.code = c."itemCode";

CREATE FUNCTION case_statutory_limit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."statutoryLimitDays" := (SELECT s."statutoryLimitDays" FROM "ServiceItem" s WHERE s.code = NEW."itemCode");
  RETURN NEW;
END $$;
CREATE TRIGGER case_statutory_limit BEFORE INSERT ON "Case"
  FOR EACH ROW WHEN (NEW."statutoryLimitDays" IS NULL) EXECUTE FUNCTION case_statutory_limit();

CREATE TABLE "CaseDailyRollup" (
    "day" DATE NOT NULL,
    "departmentCode" TEXT NOT NULL,
    "itemCode" TEXT NOT NULL,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "online" INTEGER NOT NULL DEFAULT 0,
    "fullyOnline" INTEGER NOT NULL DEFAULT 0,
    "sharedMaterials" INTEGER NOT NULL DEFAULT 0,
    "sharedCases" INTEGER NOT NULL DEFAULT 0,
    "concluded" INTEGER NOT NULL DEFAULT 0,
    "concludedOnTime" INTEGER NOT NULL DEFAULT 0,
    "concludedLate" INTEGER NOT NULL DEFAULT 0,
    "speedUpSum" NUMERIC NOT NULL DEFAULT 0,
    "speedUpCount" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "CaseDailyRollup_pkey" PRIMARY KEY ("day", "departmentCode", "itemCode")
);

-- The rollup rows of a set of cases given as SQL (columns of "Case" plus "sign": 1 to add, -1 to
-- subtract), one row per key, in key order (so concurrent upserts lock rollup rows in the same
-- order and cannot deadlock). The one definition of what a case contributes: used by the
-- triggers, the backfill, hub stats verify and --repair.
CREATE FUNCTION case_rollup_sql(source TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $f$
  SELECT format($q$
    SELECT x.day, c."departmentCode", c."itemCode",
      sum(c.sign * x.accepted)::int, sum(c.sign * x.online)::int, sum(c.sign * x.fully_online)::int,
      sum(c.sign * x.shared_materials)::int, sum(c.sign * x.shared_cases)::int,
      sum(c.sign * x.concluded)::int, sum(c.sign * x.on_time)::int, sum(c.sign * x.late)::int,
      sum(c.sign * x.speed_up)::numeric, sum(c.sign * x.speed_up_count)::int
    FROM (%s) c CROSS JOIN LATERAL (VALUES
      (c."acceptedOn", 1, (c.channel IN ('ONLINE', 'MOBILE'))::int, c."fullyOnline"::int,
       jsonb_array_length(c."sharedMaterials"), (c."sharedMaterials" <> '[]'::jsonb)::int, 0, 0, 0, 0::numeric, 0),
      (c."concludedOn", 0, 0, 0, 0, 0, 1, (c."onTime" IS TRUE)::int, (c."onTime" IS FALSE)::int,
       CASE WHEN c."statutoryLimitDays" > 0 AND c."usedWorkingDays" IS NOT NULL
         THEN 1 - c."usedWorkingDays"::numeric / c."statutoryLimitDays" ELSE 0 END,
       (c."statutoryLimitDays" > 0 AND c."usedWorkingDays" IS NOT NULL)::int)
    ) x(day, accepted, online, fully_online, shared_materials, shared_cases, concluded, on_time, late, speed_up, speed_up_count)
    WHERE x.day IS NOT NULL
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3$q$, source)
$f$;

-- What the rollup should hold, recomputed from every case.
CREATE FUNCTION case_rollup_expected() RETURNS SETOF "CaseDailyRollup" LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY EXECUTE case_rollup_sql('SELECT 1 AS sign, c.* FROM "Case" c');
END $$;

-- Rebuilds the rollup from the cases; writers of "Case" wait until it commits.
CREATE FUNCTION case_rollup_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE "Case" IN SHARE MODE;
  DELETE FROM "CaseDailyRollup";
  INSERT INTO "CaseDailyRollup" SELECT * FROM case_rollup_expected();
END $$;

CREATE FUNCTION case_rollup_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  source TEXT;
  changed CONSTANT TEXT := '(o."acceptedOn", o."concludedOn", o."departmentCode", o."itemCode", o.channel, o."fullyOnline",'
    ' o."sharedMaterials", o."onTime", o."usedWorkingDays", o."statutoryLimitDays") IS DISTINCT FROM'
    ' (n."acceptedOn", n."concludedOn", n."departmentCode", n."itemCode", n.channel, n."fullyOnline",'
    ' n."sharedMaterials", n."onTime", n."usedWorkingDays", n."statutoryLimitDays")';
BEGIN
  IF TG_OP = 'INSERT' THEN
    source := 'SELECT 1 AS sign, n.* FROM new_rows n';
  ELSIF TG_OP = 'DELETE' THEN
    source := 'SELECT -1 AS sign, o.* FROM old_rows o';
  ELSE
    -- An update that changes no counted column (state, light, revision...) stops here, on a
    -- cached plan; otherwise only the rows whose counted columns changed count: the old
    -- contribution out, the new one in.
    IF NOT EXISTS (
      SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o."acceptedOn", o."concludedOn", o."departmentCode", o."itemCode", o.channel, o."fullyOnline",
             o."sharedMaterials", o."onTime", o."usedWorkingDays", o."statutoryLimitDays") IS DISTINCT FROM
            (n."acceptedOn", n."concludedOn", n."departmentCode", n."itemCode", n.channel, n."fullyOnline",
             n."sharedMaterials", n."onTime", n."usedWorkingDays", n."statutoryLimitDays")
    ) THEN
      RETURN NULL;
    END IF;
    source := 'SELECT -1 AS sign, o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ' || changed
      || ' UNION ALL SELECT 1 AS sign, n.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ' || changed;
  END IF;
  EXECUTE 'INSERT INTO "CaseDailyRollup" AS r ' || case_rollup_sql(source) || $q$
    ON CONFLICT ("day", "departmentCode", "itemCode") DO UPDATE SET
      "accepted" = r."accepted" + excluded."accepted",
      "online" = r."online" + excluded."online",
      "fullyOnline" = r."fullyOnline" + excluded."fullyOnline",
      "sharedMaterials" = r."sharedMaterials" + excluded."sharedMaterials",
      "sharedCases" = r."sharedCases" + excluded."sharedCases",
      "concluded" = r."concluded" + excluded."concluded",
      "concludedOnTime" = r."concludedOnTime" + excluded."concludedOnTime",
      "concludedLate" = r."concludedLate" + excluded."concludedLate",
      "speedUpSum" = r."speedUpSum" + excluded."speedUpSum",
      "speedUpCount" = r."speedUpCount" + excluded."speedUpCount"$q$;
  RETURN NULL;
END $$;

CREATE FUNCTION case_rollup_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "CaseDailyRollup";
  RETURN NULL;
END $$;

CREATE TRIGGER case_rollup_insert AFTER INSERT ON "Case"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_rollup_apply();
-- Transition tables rule out a column list (UPDATE OF ...): the function skips unchanged rows.
CREATE TRIGGER case_rollup_update AFTER UPDATE ON "Case"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_rollup_apply();
CREATE TRIGGER case_rollup_delete AFTER DELETE ON "Case"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION case_rollup_apply();
CREATE TRIGGER case_rollup_truncate AFTER TRUNCATE ON "Case"
  FOR EACH STATEMENT EXECUTE FUNCTION case_rollup_truncate();

DO $$ BEGIN PERFORM case_rollup_rebuild(); END $$;

-- "Overdue" counts open cases past their deadline: a query over open cases only.
CREATE INDEX "Case_open_deadline_idx" ON "Case" ("deadline") WHERE "concludedOn" IS NULL;
