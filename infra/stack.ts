import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type { Construct } from "constructs";
import { KafkaToEventBridge } from "./kafka-to-eventbridge";
import type { KafkaToEventBridgeProps } from "./options";

/**
 * The function's logical ID in the template, fixed so that
 * `sam local invoke -t cdk.out/<stack>.template.json KafkaToEventBridgeFunction` keeps working.
 */
export const FUNCTION_LOGICAL_ID = "KafkaToEventBridgeFunction";

export interface KafkaToEventBridgeStackProps extends StackProps {
  readonly sink: KafkaToEventBridgeProps;
}

/** A stack holding one {@link KafkaToEventBridge}, with the function under a stable logical ID. */
export class KafkaToEventBridgeStack extends Stack {
  readonly sink: KafkaToEventBridge;

  constructor(scope: Construct, id: string, props: KafkaToEventBridgeStackProps) {
    super(scope, id, props);
    this.sink = new KafkaToEventBridge(this, "KafkaToEventBridge", props.sink);
    (this.sink.function.node.defaultChild as lambda.CfnFunction).overrideLogicalId(FUNCTION_LOGICAL_ID);

    new CfnOutput(this, "FunctionName", { value: this.sink.function.functionName });
    new CfnOutput(this, "DeadLetterQueueUrl", { value: this.sink.deadLetterQueue.queueUrl });
    new CfnOutput(this, "OnFailureDestination", { value: this.sink.onFailureDestination });
    new CfnOutput(this, "EventBusArn", { value: this.sink.eventBus.eventBusArn });
    new CfnOutput(this, "LogGroupName", { value: this.sink.logGroup.logGroupName });
    if (this.sink.dashboard !== undefined) {
      new CfnOutput(this, "DashboardName", { value: this.sink.dashboard.dashboardName });
    }
    if (this.sink.offloadBucket !== undefined) {
      new CfnOutput(this, "OffloadBucketName", { value: this.sink.offloadBucket.bucketName });
    }
  }
}
