-- Catchment quality computed every overlay of a province's zones on each request: about 1 s for HCMC, against
-- issue 5's 200 ms. What depends on one zone (its area outside its school's ward) or on two zones (where they
-- overlap) is now kept as zones are written, like published_result for results; the request then only unions
-- each ward's zones for the gaps. Zones change once a year (an import), so writing them pays the overlays once.

-- Each zone's area outside the ward of its school (NULL when the school has no ward or the zone no area), and
-- whether its school lies outside it (NULL when either has no geometry).
CREATE TABLE enrollment_zone_fact (
  zone_id        text PRIMARY KEY REFERENCES enrollment_zone(id) ON DELETE CASCADE ON UPDATE CASCADE,
  outside_km2    double precision,
  school_outside boolean
);

-- Pairs of zones of the same school year and entry grade whose interiors overlap (zone_a < zone_b).
CREATE TABLE enrollment_zone_overlap (
  zone_a   text NOT NULL REFERENCES enrollment_zone(id) ON DELETE CASCADE ON UPDATE CASCADE,
  zone_b   text NOT NULL REFERENCES enrollment_zone(id) ON DELETE CASCADE ON UPDATE CASCADE,
  area_km2 double precision NOT NULL,
  geometry geometry(MultiPolygon, 4326),
  PRIMARY KEY (zone_a, zone_b),
  CHECK (zone_a < zone_b)
);
CREATE INDEX enrollment_zone_overlap_zone_b_idx ON enrollment_zone_overlap (zone_b);
CREATE INDEX enrollment_zone_overlap_geometry_gist ON enrollment_zone_overlap USING gist (geometry);

-- The facts of a set of zones, replacing any they had. The ids go into a temporary table once (a large array
-- searched with = ANY for each row would be quadratic on a national import).
-- On PGlite (the embedded database) GEOS errors in these overlays cannot even be caught (PGlite 0.5.8 reports
-- "control reached end of function without RETURN" and aborts the statement), which would make every zone
-- import fail there; the facts are left unknown (NULL, no overlaps) and catchment quality says it needs a server.
CREATE FUNCTION edugis_refresh_zone_facts(ids text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  CREATE TEMPORARY TABLE IF NOT EXISTS zone_ids (id text PRIMARY KEY) ON COMMIT DROP;
  DELETE FROM zone_ids;
  INSERT INTO zone_ids SELECT DISTINCT unnest(ids);
  ANALYZE zone_ids;
  DELETE FROM enrollment_zone_fact f USING zone_ids i WHERE f.zone_id = i.id;
  IF version() LIKE '%wasm%' THEN
    INSERT INTO enrollment_zone_fact (zone_id, outside_km2, school_outside) SELECT id, NULL, NULL FROM zone_ids;
    RETURN;
  END IF;
  INSERT INTO enrollment_zone_fact (zone_id, outside_km2, school_outside)
  SELECT z.id, CASE WHEN w.boundary IS NULL OR z.area IS NULL THEN NULL
                    ELSE ST_Area(ST_Difference(z.area, w.boundary)::geography) / 1e6 END,
         CASE WHEN s.location IS NULL OR z.area IS NULL THEN NULL ELSE NOT ST_Covers(z.area, s.location) END
  FROM zone_ids i JOIN enrollment_zone z ON z.id = i.id JOIN school s ON s.id = z.school_id LEFT JOIN admin_unit w ON w.id = s.ward_id;

  DELETE FROM enrollment_zone_overlap o USING zone_ids i WHERE o.zone_a = i.id;
  DELETE FROM enrollment_zone_overlap o USING zone_ids i WHERE o.zone_b = i.id;
  INSERT INTO enrollment_zone_overlap (zone_a, zone_b, area_km2, geometry)
  SELECT least(a.id, b.id), greatest(a.id, b.id), ST_Area(x.g::geography) / 1e6, ST_Multi(x.g)
  FROM zone_ids i JOIN enrollment_zone a ON a.id = i.id
  JOIN enrollment_zone b ON b.area && a.area AND b.id <> a.id AND b.school_year = a.school_year AND b.entry_grade = a.entry_grade
  CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Intersection(a.area, b.area), 3) AS g) x
  WHERE (a.id < b.id OR NOT EXISTS (SELECT 1 FROM zone_ids j WHERE j.id = b.id))   -- a pair of two new zones once
    AND ST_Intersects(a.area, b.area) AND ST_Relate(a.area, b.area, '2********')  -- interiors meet, not just edges
    AND NOT ST_IsEmpty(x.g)
  ON CONFLICT (zone_a, zone_b) DO UPDATE SET area_km2 = EXCLUDED.area_km2, geometry = EXCLUDED.geometry;
END $$;

CREATE FUNCTION edugis_zone_facts_from_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM edugis_refresh_zone_facts(ARRAY(SELECT id FROM new_rows));
  RETURN NULL;
END $$;
CREATE TRIGGER enrollment_zone_facts_insert AFTER INSERT ON enrollment_zone
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION edugis_zone_facts_from_rows();
CREATE TRIGGER enrollment_zone_facts_update AFTER UPDATE ON enrollment_zone
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION edugis_zone_facts_from_rows();
-- Deleted zones take their facts and overlaps with them (ON DELETE CASCADE).

-- A zone's facts depend on its school's ward and place: recompute them when a school changes ward or place, or
-- a ward its boundary (rare, row by row).
CREATE FUNCTION edugis_zone_facts_for_school() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM edugis_refresh_zone_facts(ARRAY(SELECT z.id FROM enrollment_zone z JOIN school s ON s.id = z.school_id
    WHERE CASE TG_TABLE_NAME WHEN 'school' THEN s.id = NEW.id ELSE s.ward_id = NEW.id END));
  RETURN NULL;
END $$;
CREATE TRIGGER school_zone_facts AFTER UPDATE OF ward_id, location ON school
  FOR EACH ROW WHEN (OLD.ward_id IS DISTINCT FROM NEW.ward_id OR OLD.location IS DISTINCT FROM NEW.location)
  EXECUTE FUNCTION edugis_zone_facts_for_school();
CREATE TRIGGER admin_unit_zone_facts AFTER UPDATE OF boundary ON admin_unit
  FOR EACH ROW WHEN (OLD.boundary IS DISTINCT FROM NEW.boundary) EXECUTE FUNCTION edugis_zone_facts_for_school();

-- Databases with zones from before this migration.
SELECT edugis_refresh_zone_facts(ARRAY(SELECT id FROM enrollment_zone));
