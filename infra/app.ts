import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { parseMskClusterArn } from "./arns";
import { assertKnownContextKeys, propsFromContext } from "./context";
import { KafkaToEventBridgeStack } from "./stack";

/**
 * `npx cdk synth|deploy -c mskClusterArn=... -c topics=orders,customers -c eventBusArn=...`
 * Every option is a context value; docs/deploy.md lists them. No lookups: synth works offline.
 */
const app = new App();
const context = (name: string): unknown => app.node.tryGetContext(name);

try {
  assertKnownContextKeys(Object.keys(app.node.getAllContext()));
  const sink = propsFromContext(context);
  const stackName = String(context("stackName") ?? "KafkaToEventBridge");
  new KafkaToEventBridgeStack(app, stackName, {
    sink,
    // An MSK mapping must live in the cluster's region, so the stack is pinned there; otherwise the CLI's.
    ...(sink.mskClusterArn === undefined
      ? {}
      : { env: { region: parseMskClusterArn(sink.mskClusterArn).region } }),
    description: "Kafka (MSK or self-managed) to Amazon EventBridge: function, mappings, DLQ, alarms",
  });
} catch (error) {
  // A configuration mistake is the user's to fix: its message, not a stack trace.
  console.error(`Invalid deployment options:\n${(error as Error).message}`);
  process.exit(1);
}

if (String(context("nag") ?? "false") === "true") {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}
