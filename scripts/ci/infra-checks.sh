#!/usr/bin/env bash
# Synthesizes the CDK app for representative context sets (offline: no credentials, no lookups), with
# cdk-nag AwsSolutions on, and lints every template with cfn-lint and `sam validate --lint` (both from
# PyPI, installed into .tools/venv on first use). Fails on a synth error, an unacknowledged cdk-nag
# finding, or any cfn-lint error or warning (informational findings are printed, not fatal); the
# template carries no cfn-lint suppression.
# Usage: bash scripts/ci/infra-checks.sh            (INFRA_CHECKS_CDK="node path/to/cdk" overrides the CLI;
# not named CDK_*: the CDK CLI reads such variables as options)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
cdk="${INFRA_CHECKS_CDK:-npx --no-install cdk}"
out="cdk.out/ci"
rm -rf "$out"

account=123456789012
cluster="arn:aws:kafka:us-east-1:$account:cluster/orders/abcd1234-abcd-cafe-abab-9876543210ab-4"
bus="arn:aws:events:us-east-1:$account:event-bus/orders"
secret="arn:aws:secretsmanager:us-east-1:$account:secret:AmazonMSK_eventbridge-AbCdEf"
ca="arn:aws:secretsmanager:us-east-1:$account:secret:kafka-root-ca-XyZ123"

synth() {
  local name="$1"; shift
  echo "== synth $name"
  # shellcheck disable=SC2086
  $cdk synth --quiet --output "$out/$name" -c nag=true "$@"
}

synth msk-iam -c mskClusterArn="$cluster" -c topics=orders,customers -c eventBusArn="$bus" \
  -c onFailure=kafka:orders-dlt
synth self-managed-scram-vpc -c bootstrapServers=b-1.kafka.example.com:9096,b-2.kafka.example.com:9096 \
  -c topics=orders -c authSecretArn="$secret" -c auth=scram-256 -c rootCaSecretArn="$ca" \
  -c subnetIds=subnet-0123456789abcdef0,subnet-0fedcba9876543210 -c securityGroupId=sg-0123456789abcdef0 \
  -c eventBusArn="$bus"
synth msk-scram-new-bus -c mskClusterArn="$cluster" -c topics=orders -c authSecretArn="$secret" \
  -c onFailure=s3 -c alarmEmail=ops@example.com -c consumerGroupId='eventbridge-${topic}'
synth msk-mapping-registry -c mskClusterArn="$cluster" -c topics=orders -c eventBusArn="$bus" \
  -c mappingSchemaRegistry="{\"uri\":\"arn:aws:glue:us-east-1:$account:registry/orders\"}" \
  -c dashboard=false \
  -c deadLetterQueueRemovalPolicy=destroy
synth msk-function-registries-claim-check -c mskClusterArn="$cluster" -c topics=orders,payments \
  -c eventBusArn="$bus" -c valueFormat="json,orders:avro,payments:protobuf" \
  -c schemaRegistryUrl=https://schema-registry.example.com -c schemaRegistryAuthSecretArn="$secret" \
  -c glueRegistryArns="arn:aws:glue:us-east-1:$account:registry/orders" \
  -c createOffloadBucket=true -c offloadS3Prefix=kafka/

venv="$(bash scripts/ensure-venv.sh cfn-lint aws-sam-cli)"
templates=("$out"/*/*.template.json)
echo "== cfn-lint ${#templates[@]} templates"
status=0
"$venv/bin/cfn-lint" --format parseable -- "${templates[@]}" || status=$?
# cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational; 1 means it failed to run.
if (( status & 7 )); then
  echo "cfn-lint reported errors or warnings (exit $status)" >&2
  exit 1
fi
# SAM runs the synthesized template for `sam local invoke`; its linter must accept it too. It prints a
# notice that CDK apps are better checked with `cdk doctor`, which is no finding.
for template in "${templates[@]}"; do
  echo "== sam validate --lint $template"
  SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=us-east-1 "$venv/bin/sam" validate --lint -t "$template"
done
echo "infra checks passed"
