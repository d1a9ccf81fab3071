// "Where is the map looking, and do we hold schools there?": the province under the map's centre, how many
// schools EduGIS holds in it, and, where it holds none, a message saying so ("EduGIS chưa có dữ liệu trường học
// của Thành phố Hà Nội") instead of answers from another city. The client draws that province's ward boundaries.
import { sql } from '@edugis/prisma-postgis';
import { builder } from '../builder.ts';
import { prisma } from '../db.ts';
import { translator } from '../i18n.ts';
import { checkPoint } from './geo-args.ts';

interface MapArea { provinceCode: string | null; provinceName: string | null; schools: number; message: string | null }

const MapAreaRef = builder.objectRef<MapArea>('MapArea').implement({
  description: 'The province under a point and how many schools EduGIS holds in it.',
  fields: (t) => ({
    provinceCode: t.exposeString('provinceCode', { nullable: true, description: 'Today\'s province (2 digits), null outside Vietnam\'s provinces.' }),
    provinceName: t.exposeString('provinceName', { nullable: true, description: 'Its full name, as written in the data.' }),
    schools: t.exposeInt('schools', { description: 'Schools EduGIS holds in that province (real and synthetic).' }),
    message: t.exposeString('message', { nullable: true, description: 'In the request\'s language, when EduGIS holds no school there (or the point is outside every province); null otherwise.' }),
  }),
});

builder.queryField('mapArea', (t) =>
  t.field({
    type: MapAreaRef,
    description: 'The province under a point (the map\'s centre) and whether EduGIS holds schools there: the parents\' map draws its wards and says plainly where it has no data.',
    args: { longitude: t.arg.float({ required: true }), latitude: t.arg.float({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const [lng, lat] = checkPoint(ctx.lang, args.longitude, args.latitude);
      const [row] = await prisma().$queryRaw<{ code: string; name: string; schools: number }[]>(sql`
        SELECT p.code, p.full_name AS name,
               (SELECT count(*)::int FROM school s JOIN admin_unit w ON w.id = s.ward_id WHERE w.province_code = p.code) AS schools
        FROM admin_unit p
        WHERE p.level = 'PROVINCE' AND p.valid_to IS NULL AND p.boundary && ST_SetSRID(ST_MakePoint(${lng}, ${lat}), 4326)
          AND ST_Intersects(p.boundary, ST_SetSRID(ST_MakePoint(${lng}, ${lat}), 4326))
        LIMIT 1`);
      const tr = translator(ctx.lang);
      if (!row) return { provinceCode: null, provinceName: null, schools: 0, message: tr('notice.outsideProvinces') };
      return { provinceCode: row.code, provinceName: row.name, schools: row.schools, message: row.schools ? null : tr('notice.noSchoolData', { province: row.name }) };
    },
  }),
);
