// Imports each domain module (they register their types on the builder) and builds the schema.
import { builder } from '../builder.ts';
import './admin-unit.ts';
import './assessment.ts';
import './account.ts';
import './assessment-workflow.ts';
import './data-source.ts';
import './enrollment-zone.ts';
import './school.ts';
import './profile.ts';
import './search.ts';
import './analytics.ts';
import './demand.ts';
import './api-key.ts';
import './data-import.ts';
import './school-admin.ts';
import './account-admin.ts';
import './admission-calendar.ts';
import './admission-rules.ts';
import './roads.ts';
import './placement.ts';
import './admission-zones.ts';
import './admission-rule-edit.ts';
import './map-area.ts';

export const schema = builder.toSchema({ sortSchema: true });
