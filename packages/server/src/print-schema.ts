// Writes the public contract to schema.graphql (committed; a test fails when it changes unintentionally).
import { writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { schema } from './schema/index.ts';
import { SCHEMA_FILE } from './schema-file.ts';

writeFileSync(SCHEMA_FILE, printSchema(schema) + '\n');
console.log(`wrote ${SCHEMA_FILE}`);
