-- Coverage and catchment quality depend on where schools are, their zones and the ward boundaries, not on
-- published results. Until now their cached answers were dropped on every publication (and, worse, kept after
-- a zone or school changed until something was published). A second counter tracks the data they read:
--   generation           results, schools and units (maturity aggregates, trend, benchmark, capacity);
--   geometry_generation  schools, units and enrollment zones (coverage, catchment quality).
ALTER TABLE analytics_state ADD COLUMN geometry_generation bigint NOT NULL DEFAULT 1;

CREATE FUNCTION edugis_bump_geometry_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE analytics_state SET geometry_generation = geometry_generation + 1 WHERE id = 1;
  RETURN NULL;
END $$;
CREATE FUNCTION edugis_bump_both_generations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE analytics_state SET generation = generation + 1, geometry_generation = geometry_generation + 1 WHERE id = 1;
  RETURN NULL;
END $$;

CREATE TRIGGER enrollment_zone_bump_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON enrollment_zone
  FOR EACH STATEMENT EXECUTE FUNCTION edugis_bump_geometry_generation();
CREATE TRIGGER school_bump_generations AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON school
  FOR EACH STATEMENT EXECUTE FUNCTION edugis_bump_both_generations();
CREATE TRIGGER admin_unit_bump_generations AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON admin_unit
  FOR EACH STATEMENT EXECUTE FUNCTION edugis_bump_both_generations();

-- Coverage and catchment quality buffer, union and intersect polygons. GEOS does that in plane coordinates:
-- on the geography PostGIS projects every buffer and back again, which made coverage of HCMC's wards take
-- 0.9 s. These two helpers let the queries work in the WGS 84 UTM zone of the province instead (metres, where
-- GEOS is fast) and stay exact to the metre: lengths on the ground times the zone's point scale factor are
-- lengths on the map, and map areas divided by its square are areas on the ground.

-- The WGS 84 / UTM zone (EPSG 326zz north, 327zz south) holding a point.
CREATE FUNCTION edugis_utm_srid(p geometry) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN ST_Y(p) >= 0 THEN 32600 ELSE 32700 END + least(60, greatest(1, floor((ST_X(p) + 180) / 6)::int + 1))
$$;

-- The point scale factor k of a UTM zone's transverse Mercator at a point (lon/lat), as in Snyder, Map
-- Projections: A Working Manual (USGS 1987), eq. 8-11, with WGS 84's e'^2 = 0.00673949674228:
--   k = 0.9996 (1 + (1 + C) A^2/2 + (5 - 4T + 42C + 13C^2 - 28e'^2) A^4/24 + (61 - 148T + 16T^2) A^6/720),
--   A = (lon - central meridian) cos(lat), T = tan^2(lat), C = e'^2 cos^2(lat).
-- `zone_of` picks the zone (e.g. the province's centre). One expression, so the planner inlines it (a function
-- with FROM is called per row and cost coverage 100 ms); A is spelled out where it is used.
CREATE FUNCTION edugis_utm_scale(p geometry, zone_of geometry) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 0.9996 * (1
    + (1 + 0.00673949674228 * cos(radians(ST_Y(p))) ^ 2)
      * (radians(ST_X(p) - (least(60, greatest(1, floor((ST_X(zone_of) + 180) / 6)::int + 1)) * 6 - 183)) * cos(radians(ST_Y(p)))) ^ 2 / 2
    + (5 - 4 * tan(radians(ST_Y(p))) ^ 2 + 42 * 0.00673949674228 * cos(radians(ST_Y(p))) ^ 2
       + 13 * (0.00673949674228 * cos(radians(ST_Y(p))) ^ 2) ^ 2 - 28 * 0.00673949674228)
      * (radians(ST_X(p) - (least(60, greatest(1, floor((ST_X(zone_of) + 180) / 6)::int + 1)) * 6 - 183)) * cos(radians(ST_Y(p)))) ^ 4 / 24
    + (61 - 148 * tan(radians(ST_Y(p))) ^ 2 + 16 * tan(radians(ST_Y(p))) ^ 4)
      * (radians(ST_X(p) - (least(60, greatest(1, floor((ST_X(zone_of) + 180) / 6)::int + 1)) * 6 - 183)) * cos(radians(ST_Y(p)))) ^ 6 / 720)
$$;
