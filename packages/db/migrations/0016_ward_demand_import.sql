-- Ward demand figures enter through the import pipeline too (issue 12); reverting an import that added figures
-- removes them, so the application may delete its own demand rows (nothing else refers to them).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'edugis_app') THEN
    GRANT DELETE ON ward_demand TO edugis_app;
  END IF;
END $$;
