-- A department system's own request quota per minute (NULL: RATE_LIMIT_SYSTEM_PER_MINUTE)
ALTER TABLE "DepartmentSystem" ADD COLUMN "rateLimitPerMinute" INTEGER;
