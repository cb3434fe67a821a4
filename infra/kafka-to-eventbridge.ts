import { join } from "node:path";
import { Duration, Stack } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cloudwatchActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { KafkaDlq, SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { ENV, type RecordFormat } from "../lambda/env-names";
import { BUNDLE_ALIASES, functionNodeOptions, REQUIRE_BANNER } from "./function-runtime";
import { grantKafkaAccess, sourceAccessConfigurations } from "./kafka-access";
import { acknowledgeRule, acknowledgeWildcardResource } from "./nag-acknowledgments";
import {
  handlerEnvironment,
  type KafkaToEventBridgeProps,
  type ResolvedOptions,
  resolveOptions,
} from "./options";
import { S3FailureDestination } from "./s3-failure-destination";

/** The handler the function bundles (SPEC §1); the path and export stay fixed. */
export const HANDLER_ENTRY = join(import.meta.dirname, "..", "lambda", "handler.ts");

// SQS keeps a message at most 14 days: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
const QUEUE_RETENTION = Duration.days(14);

/** Formats decoded through a registry; without `SCHEMA_REGISTRY_URL` they go through AWS Glue (SPEC §9). */
const REGISTRY_FORMATS: readonly string[] = ["avro", "protobuf", "json-schema"] satisfies RecordFormat[];

/**
 * The whole deployment of SPEC §8: the function, its log group, the dead-letter and on-failure
 * destinations, one Kafka event source mapping per topic, least-privilege grants and alarms.
 */
export class KafkaToEventBridge extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly eventBus: events.IEventBus;
  /** The handler's dead-letter queue for poison records (`DLQ_URL`). */
  readonly deadLetterQueue: sqs.Queue;
  /** The mappings' on-failure queue, with `onFailure: "sqs"`. */
  readonly onFailureQueue: sqs.Queue | undefined;
  /** The mappings' on-failure bucket, with `onFailure: "s3"`. */
  readonly onFailureBucket: s3.Bucket | undefined;
  /** One mapping per topic, by topic. */
  readonly mappings: ReadonlyMap<string, lambda.EventSourceMapping>;
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly alarmTopic: sns.ITopic | undefined;
  readonly options: ResolvedOptions;

  constructor(scope: Construct, id: string, props: KafkaToEventBridgeProps) {
    super(scope, id);
    const options = resolveOptions(props);
    this.options = options;

    this.eventBus =
      props.eventBusArn === undefined
        ? new events.EventBus(this, "EventBus")
        : events.EventBus.fromEventBusArn(this, "EventBus", props.eventBusArn);

    this.deadLetterQueue = this.encryptedQueue("DeadLetterQueue");

    this.logGroup = new logs.LogGroup(this, "LogGroup", { retention: options.logRetentionDays });

    // An explicit role instead of the default AWSLambdaBasicExecutionRole: logs go to this log group only.
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: "Kafka to EventBridge function: PutEvents on one bus, dead letters, Kafka access",
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new nodejs.NodejsFunction(this, "Function", {
      entry: HANDLER_ENTRY,
      handler: "handler",
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: options.memorySize,
      timeout: Duration.seconds(options.timeoutSeconds),
      ...(options.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: options.reservedConcurrency }),
      role: this.role,
      logGroup: this.logGroup,
      description: "Turns Kafka records into EventBridge events (kafka-eventbridge-lambda)",
      projectRoot: join(import.meta.dirname, ".."),
      depsLockFilePath: join(import.meta.dirname, "..", "package-lock.json"),
      bundling: {
        minify: true,
        sourceMap: true,
        target: "node24",
        format: nodejs.OutputFormat.ESM,
        mainFields: ["module", "main"],
        banner: REQUIRE_BANNER,
        esbuildArgs: {
          "--alias": Object.entries(BUNDLE_ALIASES).map(([path, target]) => `${path}=${target}`),
        },
        // Bundle the SDK too, so the deployed code runs the versions the lockfile pins and tests ran.
        bundleAwsSDK: true,
      },
      environment: {
        NODE_OPTIONS: functionNodeOptions(options.memorySize),
        ...handlerEnvironment(props),
        [ENV.eventBusArn]: this.eventBus.eventBusArn,
        [ENV.dlqUrl]: this.deadLetterQueue.queueUrl,
        // Set from the same option as the mappings' ReportBatchItemFailures, so the two cannot disagree.
        [ENV.partialBatchResponse]: String(options.partialBatchResponse),
      },
    });

    this.grantHandlerAccess(props);
    this.deadLetterQueue.grantSendMessages(this.function);
    grantKafkaAccess(this, this.role, options, props.authSecretKmsKeyArn);

    let onFailure: lambda.IEventSourceDlq;
    switch (options.onFailure.kind) {
      case "sqs":
        this.onFailureQueue = this.encryptedQueue("OnFailureQueue");
        onFailure = new SqsDlq(this.onFailureQueue);
        break;
      case "s3":
        this.onFailureBucket = new s3.Bucket(this, "OnFailureBucket", {
          encryption: s3.BucketEncryption.S3_MANAGED,
          blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
          enforceSSL: true,
          versioned: true,
        });
        onFailure = new S3FailureDestination(this.onFailureBucket);
        acknowledgeWildcardResource(
          this.role,
          this.onFailureBucket.arnForObjects("*"),
          "Lambda names each failed-batch object itself; the grant is PutObject on this bucket only.",
        );
        acknowledgeRule(
          this.onFailureBucket,
          "AwsSolutions-S1",
          "Only the event source mapping writes here; server access logging is left to the operator's log bucket.",
        );
        break;
      case "kafka":
        onFailure = new KafkaDlq(options.onFailure.topic);
        break;
    }

    this.mappings = this.createMappings(options, onFailure);
    this.alarmTopic = this.createAlarmTopic(props);
    this.alarms = this.createAlarms(options);
  }

  private encryptedQueue(id: string): sqs.Queue {
    const queue = new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: QUEUE_RETENTION,
      enforceSSL: true,
    });
    acknowledgeRule(
      queue,
      "AwsSolutions-SQS3",
      "This queue is itself the dead-letter (or on-failure) destination.",
    );
    return queue;
  }

  /** PutEvents on the bus, or AssumeRole on `iamRoleArn` when the handler publishes through that role. */
  private grantHandlerAccess(props: KafkaToEventBridgeProps): void {
    if (props.iamRoleArn === undefined) {
      this.eventBus.grantPutEventsTo(this.function);
    } else {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ["sts:AssumeRole"], resources: [String(props.iamRoleArn)] }),
      );
    }
    const { partition, region, account } = Stack.of(this);
    if (props.offloadS3Bucket !== undefined) {
      const prefix = props.offloadS3Prefix === undefined ? "" : String(props.offloadS3Prefix);
      const objects = `arn:${partition}:s3:::${String(props.offloadS3Bucket)}/${prefix}*`;
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ["s3:PutObject"], resources: [objects] }),
      );
      acknowledgeWildcardResource(
        this.role,
        objects,
        "Claim-check objects are keyed <prefix><topic>/<partition>/<offset>, known only per record (SPEC §9).",
      );
    }
    if (props.schemaRegistryAuthSecretArn !== undefined) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ["secretsmanager:GetSecretValue"],
          resources: [String(props.schemaRegistryAuthSecretArn)],
        }),
      );
    }
    const formats = [props.keyFormat, props.valueFormat].flatMap((f) =>
      f === undefined ? [] : String(f).split(","),
    );
    const usesGlue =
      props.schemaRegistryUrl === undefined &&
      formats.some((entry) => REGISTRY_FORMATS.includes(entry.slice(entry.lastIndexOf(":") + 1).trim()));
    if (usesGlue) {
      // The wire format carries a schema version id, not a registry name: any registry of the account.
      const resources = [
        `arn:${partition}:glue:${region}:${account}:registry/*`,
        `arn:${partition}:glue:${region}:${account}:schema/*`,
      ];
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ["glue:GetSchemaVersion"], resources }),
      );
      for (const resource of resources) {
        acknowledgeWildcardResource(
          this.role,
          resource,
          "Glue wire-format records name a schema version UUID, not its registry or schema (SPEC §9).",
        );
      }
    }
  }

  /**
   * One mapping per topic through the L2 `EventSourceMapping` (what both Kafka event sources delegate to).
   * `ManagedKafkaEventSource` is not used because it maps any secret to SASL/SCRAM-512 (no MSK mTLS) and
   * attaches AWSLambdaMSKExecutionRole; `SelfManagedKafkaEventSource` needs an IVpc (a lookup) for subnets.
   */
  private createMappings(
    options: ResolvedOptions,
    onFailure: lambda.IEventSourceDlq,
  ): Map<string, lambda.EventSourceMapping> {
    const { source } = options;
    const accessConfigurations = sourceAccessConfigurations(source);
    const mappings = new Map<string, lambda.EventSourceMapping>();
    for (const { topic, consumerGroupId } of options.topics) {
      const mapping = new lambda.EventSourceMapping(this, `Mapping-${topic}`, {
        target: this.function,
        ...(source.kind === "msk"
          ? { eventSourceArn: source.cluster.arn }
          : { kafkaBootstrapServers: [...source.bootstrapServers] }),
        kafkaTopic: topic,
        ...(consumerGroupId === undefined ? {} : { kafkaConsumerGroupId: consumerGroupId }),
        ...(accessConfigurations.length === 0 ? {} : { sourceAccessConfigurations: accessConfigurations }),
        startingPosition: lambda.StartingPosition[options.startingPosition],
        ...(options.startingPositionTimestamp === undefined
          ? {}
          : { startingPositionTimestamp: options.startingPositionTimestamp }),
        batchSize: options.batchSize,
        ...(options.maxBatchingWindowSeconds === undefined
          ? {}
          : { maxBatchingWindow: Duration.seconds(options.maxBatchingWindowSeconds) }),
        ...(options.provisioned === undefined ? {} : { provisionedPollerConfig: options.provisioned }),
        reportBatchItemFailures: options.partialBatchResponse,
        ...(options.retryAttempts === undefined ? {} : { retryAttempts: options.retryAttempts }),
        ...(options.bisectBatchOnError === undefined
          ? {}
          : { bisectBatchOnError: options.bisectBatchOnError }),
        ...(options.filters === undefined
          ? {}
          : { filters: options.filters.map((pattern) => lambda.FilterCriteria.filter({ ...pattern })) }),
        onFailure,
        supportS3OnFailureDestination: true,
        enabled: options.enabled,
      });
      if (options.maxRecordAgeSeconds !== undefined) {
        // The L2 rejects -1 (infinite), which Lambda accepts for Kafka; the property is set directly.
        const cfn = mapping.node.defaultChild as lambda.CfnEventSourceMapping;
        cfn.maximumRecordAgeInSeconds = options.maxRecordAgeSeconds;
      }
      mappings.set(topic, mapping);
    }
    return mappings;
  }

  private createAlarmTopic(props: KafkaToEventBridgeProps): sns.ITopic | undefined {
    if (props.alarmTopicArn !== undefined)
      return sns.Topic.fromTopicArn(this, "AlarmTopic", props.alarmTopicArn);
    if (props.alarmEmail === undefined) return undefined;
    // A customer managed key: CloudWatch cannot publish to a topic under the AWS managed aws/sns key.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
    const key = new kms.Key(this, "AlarmTopicKey", { enableKeyRotation: true });
    key.grant(new iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*");
    const topic = new sns.Topic(this, "AlarmTopic", { enforceSSL: true, masterKey: key });
    topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    return topic;
  }

  private createAlarms(options: ResolvedOptions): cloudwatch.Alarm[] {
    const period = Duration.minutes(5);
    const alarms = [
      this.function.metricErrors({ period, statistic: "Sum" }).createAlarm(this, "FunctionErrorsAlarm", {
        alarmDescription: "The function failed (threw, timed out or crashed) at least once in 5 minutes",
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      this.queueDepthAlarm(
        "DeadLetterQueueDepthAlarm",
        this.deadLetterQueue,
        "Poison records are waiting in the DLQ",
      ),
      // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html: OffsetLag is the lag of
      // the function's consumer group behind the newest record of a topic.
      new cloudwatch.Metric({
        namespace: "AWS/Lambda",
        metricName: "OffsetLag",
        dimensionsMap: { FunctionName: this.function.functionName },
        statistic: "Maximum",
        period,
      }).createAlarm(this, "OffsetLagAlarm", {
        alarmDescription: `The consumer group lags more than ${options.offsetLagAlarmThreshold} records for 15 minutes`,
        threshold: options.offsetLagAlarmThreshold,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    if (this.onFailureQueue !== undefined) {
      alarms.push(
        this.queueDepthAlarm(
          "OnFailureQueueDepthAlarm",
          this.onFailureQueue,
          "The event source mapping gave up on records and sent their metadata to the on-failure queue",
        ),
      );
    }
    if (this.alarmTopic !== undefined) {
      const action = new cloudwatchActions.SnsAction(this.alarmTopic);
      for (const alarm of alarms) alarm.addAlarmAction(action);
    }
    return alarms;
  }

  private queueDepthAlarm(id: string, queue: sqs.Queue, description: string): cloudwatch.Alarm {
    return queue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: "Maximum" })
      .createAlarm(this, id, {
        alarmDescription: description,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
  }

  /** What the mappings' on-failure destination is: queue URL, bucket name or `kafka://<topic>`. */
  get onFailureDestination(): string {
    if (this.onFailureQueue !== undefined) return this.onFailureQueue.queueUrl;
    if (this.onFailureBucket !== undefined) return this.onFailureBucket.bucketName;
    return this.options.onFailure.kind === "kafka" ? `kafka://${this.options.onFailure.topic}` : "";
  }
}
