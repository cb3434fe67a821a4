import { Stack, Validations } from "aws-cdk-lib";
// The same rendering cdk-nag's IAM5 rule uses for a finding's resource, so an acknowledgment names exactly
// the wildcard it accepts and nothing else (cdk-nag v3 matches finding IDs exactly).
import { flattenCfnReference } from "cdk-nag/lib/utils/flatten-cfn-reference";
import type { IConstruct } from "constructs";

/**
 * Accepts one wildcard resource of an IAM policy for cdk-nag's `AwsSolutions-IAM5`, with the reason it is
 * needed. Call it next to the statement that grants the wildcard.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const rendered = flattenCfnReference(Stack.of(scope).resolve(resource));
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${rendered}]`, reason });
}

/** Accepts a whole cdk-nag rule on one construct, with the reason it does not apply. */
export function acknowledgeRule(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}
