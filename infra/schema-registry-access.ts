import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { type GlueRegistryArn, glueSchemasArn } from "./arns";
import { acknowledgeWildcardResource } from "./nag-acknowledgments";
import type { ResolvedOptions } from "./options";
import type { ResolvedMappingSchemaRegistry } from "./registry-options";

const SCHEMA_WILDCARD_REASON =
  "A Glue wire-format record names a schema version UUID, not its schema: the grant covers the schemas of the named registry only.";

/** `glue:GetSchemaVersion` (and optionally more read actions) on the registries and their schemas only. */
function glueStatements(
  role: iam.IRole,
  registries: readonly GlueRegistryArn[],
  extraActions: readonly string[] = [],
): iam.PolicyStatement[] {
  if (registries.length === 0) return [];
  const schemas = registries.map(glueSchemasArn);
  for (const arn of schemas) acknowledgeWildcardResource(role, arn, SCHEMA_WILDCARD_REASON);
  const statements = [
    new iam.PolicyStatement({
      actions: ["glue:GetSchemaVersion"],
      resources: [...registries.map((registry) => registry.arn), ...schemas],
    }),
  ];
  if (extraActions.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        actions: [...extraActions],
        resources: registries.map((registry) => registry.arn),
      }),
    );
  }
  return statements;
}

function secretStatements(
  secretArns: readonly string[],
  kmsKeyArn: string | undefined,
): iam.PolicyStatement[] {
  if (secretArns.length === 0) return [];
  const statements = [
    new iam.PolicyStatement({ actions: ["secretsmanager:GetSecretValue"], resources: [...secretArns] }),
  ];
  if (kmsKeyArn !== undefined) {
    statements.push(new iam.PolicyStatement({ actions: ["kms:Decrypt"], resources: [kmsKeyArn] }));
  }
  return statements;
}

/**
 * What the function needs to decode registry formats itself (SPEC §9): `glue:GetSchemaVersion` on the Glue
 * registries named, and the Confluent registry's auth secret (plus its key), nothing more.
 */
export function grantFunctionRegistries(role: iam.IRole, registries: ResolvedOptions["registries"]): void {
  const statements = [
    ...glueStatements(role, registries.glueRegistries),
    ...secretStatements(
      registries.authSecretArn === undefined ? [] : [registries.authSecretArn],
      registries.authSecretKmsKeyArn,
    ),
  ];
  for (const statement of statements) role.addToPrincipalPolicy(statement);
}

/**
 * The mapping's own schema registry (`SchemaRegistryConfig`). Written instead of aws-cdk-lib's
 * GlueSchemaRegistry / ConfluentSchemaRegistry because the first scopes the schemas to the stack's region
 * rather than the registry's, and the second requires exactly one secret and cannot name a KMS key.
 * Lambda reads the registry with the function's execution role:
 * https://docs.aws.amazon.com/lambda/latest/dg/services-consume-kafka-events.html
 */
export class MappingSchemaRegistryConfig implements lambda.ISchemaRegistry {
  constructor(
    private readonly role: iam.IRole,
    private readonly config: ResolvedMappingSchemaRegistry,
  ) {}

  bind(_target: lambda.IEventSourceMapping, _handler: lambda.IFunction): lambda.KafkaSchemaRegistryConfig {
    const { registry, accessConfigs } = this.config;
    const statements =
      registry.kind === "glue"
        ? glueStatements(this.role, [registry.arn], ["glue:GetRegistry"])
        : secretStatements(
            accessConfigs.map((access) => access.secretArn),
            this.config.secretKmsKeyArn,
          );
    for (const statement of statements) this.role.addToPrincipalPolicy(statement);
    return {
      schemaRegistryUri: registry.kind === "glue" ? registry.arn.arn : registry.url,
      eventRecordFormat: lambda.EventRecordFormat.of(this.config.eventRecordFormat),
      ...(accessConfigs.length === 0
        ? {}
        : {
            accessConfigs: accessConfigs.map((access) => ({
              type: lambda.KafkaSchemaRegistryAccessConfigType.of(access.type),
              uri: access.secretArn,
            })),
          }),
      schemaValidationConfigs: this.config.validate.map((attribute) => ({
        attribute: lambda.KafkaSchemaValidationAttribute.of(attribute),
      })),
    };
  }
}
