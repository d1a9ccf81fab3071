// Distances along real roads (routing.ts): the nearest schools of a level from a home by road, on foot and by
// motorbike, with the route to draw; and which road network a province routes on (source, date, attribution).
// Where the home or a school is off the network, or no road joins them, the answer is the straight line and
// says so (measure STRAIGHT_LINE with the reason).
import type { LineString } from 'geojson';
import { sql } from '@edugis/prisma-postgis';
import { builder } from '../builder.ts';
import { prisma } from '../db.ts';
import { userError } from '../errors.ts';
import { legsFrom, provinceAt, rideBound, roadGraph, type Leg, type RoadGraph } from '../routing.ts';
import { checkLimit, checkPoint } from './geo-args.ts';
import { School, SchoolLevel } from './school.ts';

export const Measure = builder.enumType('DistanceMeasure', {
  values: {
    ROAD: { description: 'Along the road network (OpenStreetMap), plus the short walk from the point to the nearest road.' },
    STRAIGHT_LINE: { description: 'A straight line: no road route could be measured (see straightLineReason).' },
  } as const,
});
export const StraightReason = builder.enumType('StraightLineReason', {
  values: {
    NO_NETWORK: { description: 'No road network is loaded for the province.' },
    HOME_OFF_NETWORK: { description: 'The point is more than 500 m from any road of the network.' },
    SCHOOL_OFF_NETWORK: { description: 'The school is more than 500 m from any road of the network.' },
    NO_ROUTE: { description: 'No road joins the two (or the route is longer than the search allows).' },
  } as const,
});
export const Mode = builder.enumType('TravelMode', {
  values: {
    WALK: { description: 'On foot, at 4.5 km/h, on every way people may walk (one-way streets both ways).' },
    MOTORBIKE: { description: 'By motorbike, at 20 km/h in city traffic, on ways open to motor vehicles, one-way streets respected.' },
  } as const,
});

export const LegRef = builder.objectRef<Leg>('RoadLeg').implement({
  description: 'How far, and how long, from the point to a school by one mode.',
  fields: (t) => ({
    measure: t.field({ type: Measure, resolve: (l) => l.measure }),
    straightLineReason: t.field({ type: StraightReason, nullable: true, resolve: (l) => l.reason }),
    meters: t.int({ resolve: (l) => Math.round(l.meters) }),
    minutes: t.int({ description: 'At the mode\'s speed (an estimate: no traffic lights, no congestion).', resolve: (l) => l.minutes }),
  }),
});

export interface RoadSchool { school: { id: string; name: string }; straightMeters: number; walk: Leg; motorbike: Leg }
const RoadSchoolRef = builder.objectRef<RoadSchool>('RoadNearbySchool').implement({
  description: 'A school and how far it is from the point asked about, along the roads.',
  fields: (t) => ({
    school: t.field({ type: School, resolve: (r) => r.school as never }),
    measure: t.field({ type: Measure, description: 'How the walking distance was measured (the order is by it).', resolve: (r) => r.walk.measure }),
    straightLineMeters: t.int({ resolve: (r) => Math.round(r.straightMeters) }),
    walk: t.field({ type: LegRef, resolve: (r) => r.walk }),
    motorbike: t.field({ type: LegRef, resolve: (r) => r.motorbike }),
    route: t.field({
      type: 'GeoJSON', nullable: true, complexity: 5,
      description: 'The route as a GeoJSON LineString (RFC 7946), from the point to the school; null for a straight-line answer.',
      args: { mode: t.arg({ type: Mode, required: false, defaultValue: 'WALK' }) },
      resolve: (r, a) => routeGeometry((a.mode ?? 'WALK') === 'WALK' ? r.walk : r.motorbike),
    }),
  }),
});

/** A leg's route as an RFC 7946 LineString (positions rounded to 7 decimals, repeated positions dropped). */
export function routeGeometry(leg: Leg): LineString | null {
  const pts = leg.route();
  if (!pts) return null;
  const coords: [number, number][] = [];
  for (const [x, y] of pts) {
    const p: [number, number] = [Math.round(x * 1e7) / 1e7, Math.round(y * 1e7) / 1e7];
    const last = coords.at(-1);
    if (!last || last[0] !== p[0] || last[1] !== p[1]) coords.push(p);
  }
  if (coords.length < 2) coords.push([...coords[0]!]);
  return { type: 'LineString', coordinates: coords };
}

/** Candidates by straight line (three times as many as asked, at least 10, within 15 km), then ordered by road on foot. */
export async function schoolsByRoad(point: [number, number], opts: { level: string; limit: number; publicOnly?: boolean; graph?: RoadGraph | null }): Promise<RoadSchool[]> {
  const k = Math.max(10, opts.limit * 3);
  const near = await prisma().$queryRaw<{ id: string; name: string; lng: number; lat: number; m: number }[]>(sql`
    WITH p AS (SELECT ST_SetSRID(ST_MakePoint(${point[0]}::float8, ${point[1]}::float8), 4326) AS g)
    SELECT s.id, s.name, ST_X(s.location) AS lng, ST_Y(s.location) AS lat, ST_Distance(s.location::geography, p.g::geography) AS m
    FROM school s, p
    WHERE s.location IS NOT NULL AND ${opts.level}::"SchoolLevel" = ANY (s.levels) ${opts.publicOnly ? sql`AND s.ownership = 'PUBLIC'` : sql``}
      AND s.location && ST_Expand(p.g, 0.15) AND ST_DWithin(s.location::geography, p.g::geography, 15000)
    ORDER BY s.location <-> p.g LIMIT ${k}::int`);
  const graph = opts.graph !== undefined ? opts.graph : await provinceAt(point).then((code) => (code ? roadGraph(code) : null));
  const targets = near.map((s) => ({ id: s.id, at: [s.lng, s.lat] as [number, number] }));
  // On foot, until the `limit` nearest by road are settled (no other candidate can come before them); then by
  // motorbike to those schools only.
  const walk = legsFrom(graph, 'WALK', point, targets, 20_000, opts.limit);
  const nearest = near
    .map((s) => ({ s, walk: walk.get(s.id)! }))
    // Road answers first, nearest first; straight lines (no route measured) after them, nearest first.
    .sort((a, b) => (a.walk.measure === b.walk.measure ? (a.walk.measure === 'ROAD' ? a.walk.meters - b.walk.meters : a.s.m - b.s.m) : a.walk.measure === 'ROAD' ? -1 : 1))
    .slice(0, opts.limit);
  const ride = legsFrom(graph, 'MOTORBIKE', point, nearest.map((x) => ({ id: x.s.id, at: [x.s.lng, x.s.lat] as [number, number] })), rideBound(walk));
  return nearest.map(({ s, walk: w }) => ({ school: { id: s.id, name: s.name }, straightMeters: s.m, walk: w, motorbike: ride.get(s.id)! }));
}

builder.queryField('schoolsByRoad', (t) =>
  t.field({
    type: [RoadSchoolRef],
    complexity: (args) => ({ field: 20, multiplier: Math.min(20, Math.max(1, args.limit ?? 10)) }),
    description: 'The nearest schools of a level to a point along the roads, nearest on foot first, with walking and motorbike distance and time and the route. ' +
      'Candidates are the schools within 15 km by straight line; `limit` is 1–20 (default 10). Where no road route can be measured the straight line is given, labelled.',
    args: {
      longitude: t.arg.float({ required: true }),
      latitude: t.arg.float({ required: true }),
      level: t.arg({ type: SchoolLevel, required: true }),
      limit: t.arg.int({ required: false, defaultValue: 10 }),
      publicOnly: t.arg.boolean({ required: false, defaultValue: false }),
    },
    resolve: async (_r, args, ctx) => {
      const point = checkPoint(ctx.lang, args.longitude, args.latitude);
      const limit = checkLimit(ctx.lang, args.limit ?? 10, 20);
      return schoolsByRoad(point, { level: args.level, limit, publicOnly: args.publicOnly ?? false });
    },
  }),
);

const NetworkRef = builder.objectRef<{ graph: RoadGraph; ways: number; nodes: number }>('RoadNetwork').implement({
  description: 'The road network a province routes on.',
  fields: (t) => ({
    ways: t.int({ resolve: (n) => n.ways }),
    vertices: t.int({ description: 'Road nodes in the routing graph.', resolve: (n) => n.graph.vertices }),
    sourceTitle: t.string({ resolve: (n) => n.graph.source.title }),
    attribution: t.string({ resolve: (n) => n.graph.source.attribution }),
    extractDate: t.string({ nullable: true, description: 'The newest edit in the extract (YYYY-MM-DD): roads built or renamed since are missing.', resolve: (n) => n.graph.source.extractDate }),
  }),
});

builder.queryField('roadNetwork', (t) =>
  t.field({
    type: NetworkRef,
    nullable: true,
    complexity: 5,
    description: 'The road network a province routes on (null when none is loaded: distances are then straight lines).',
    args: { provinceCode: t.arg.string({ required: true }) },
    resolve: async (_r, args, ctx) => {
      if (!/^\d{2}$/.test(args.provinceCode)) throw userError(ctx.lang, 'error.invalidProvinceCode', { code: args.provinceCode.slice(0, 20) });
      const graph = await roadGraph(args.provinceCode);
      if (!graph) return null;
      const [n] = await prisma().$queryRaw<{ ways: number; nodes: number }[]>(sql`SELECT ways, nodes FROM road_network WHERE id = ${graph.networkId}`);
      return { graph, ways: n?.ways ?? 0, nodes: n?.nodes ?? 0 };
    },
  }),
);
