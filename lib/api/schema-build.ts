// How this process builds the API schema: whole, at its first use (the daemons, which use most of
// it for hours), or one definition at a time as lookups reach them (the CLI, which lives for one
// call; lib/api/schema-on-demand.ts). A module of its own so that choosing costs the CLI's entry
// point no protobuf code.
let onDemand = false;

/** Call before the first encode or decode: build each message, enum and service of the schema on first use. */
export function buildSchemaOnDemand(): void {
  onDemand = true;
}

export function schemaBuiltOnDemand(): boolean {
  return onDemand;
}
