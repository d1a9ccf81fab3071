-- The road network (issue 13): home-to-school distance and time along real roads. A province's network is loaded
-- from an OpenStreetMap extract through the import pipeline (kind osm-roads); each load is kept whole under its
-- import's id, and road_network_active says which one a province uses, so a new extract replaces the old at
-- once and a revert points back to it. The server builds its routing graph from the active network's ways.
CREATE TABLE road_network (
  id            text PRIMARY KEY,  -- the import that loaded it
  province_code text NOT NULL CHECK (province_code ~ '^[0-9]{2}$'),
  source_id     text NOT NULL REFERENCES data_source(id) ON UPDATE CASCADE,
  extract_date  date,
  ways          integer NOT NULL CHECK (ways >= 0),
  nodes         integer NOT NULL CHECK (nodes >= 0),
  loaded_at     timestamptz NOT NULL DEFAULT now()
);

-- One OSM highway way: its class, name, one-way rule, who may use it, its nodes' OSM ids (shared ids are the
-- junctions) and its line.
CREATE TABLE road_way (
  network_id text NOT NULL REFERENCES road_network(id) ON DELETE CASCADE,
  osm_id     bigint NOT NULL,
  highway    text NOT NULL,
  name       text,
  oneway     smallint NOT NULL DEFAULT 0 CHECK (oneway IN (-1, 0, 1)),
  foot       boolean NOT NULL,
  motor      boolean NOT NULL,
  node_ids   bigint[] NOT NULL CHECK (cardinality(node_ids) >= 2),
  geom       geometry(LineString, 4326) CHECK (geom IS NOT NULL),  -- a CHECK: Prisma declares geometry optional
  PRIMARY KEY (network_id, osm_id)
);
CREATE INDEX road_way_geom ON road_way USING gist (geom);

CREATE TABLE road_network_active (
  province_code text PRIMARY KEY CHECK (province_code ~ '^[0-9]{2}$'),
  network_id    text NOT NULL REFERENCES road_network(id)
);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'edugis_app') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON road_network, road_way, road_network_active TO edugis_app;
  END IF;
END $$;
