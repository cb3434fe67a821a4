import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { AssetHashType, AssetStaging, CfnResource, Duration, RemovalPolicy } from "aws-cdk-lib";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cloudwatchActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { KafkaDlq, SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { ENV } from "../lambda/env-names";
import { unknownNames } from "./did-you-mean";
import {
  EXEC_WRAPPER_FILE,
  EXEC_WRAPPER_PATH,
  execWrapperScript,
  functionBundle,
  functionNodeOptions,
  PROJECT_ROOT,
  writeExecWrapper,
} from "./function-runtime";
import { checkHandlerEnvironment, handlerEnvironment } from "./handler-settings";
import { grantKafkaAccess, sourceAccessConfigurations } from "./kafka-access";
import { createAlarms, createDashboard } from "./monitoring";
import { acknowledgeRule, acknowledgeWildcardResource } from "./nag-acknowledgments";
import { type KafkaToEventBridgeProps, OPTION_NAMES, type ResolvedOptions, resolveOptions } from "./options";
import { S3FailureDestination } from "./s3-failure-destination";
import { grantFunctionRegistries, MappingSchemaRegistryConfig } from "./schema-registry-access";

// SQS keeps a message at most 14 days: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
const QUEUE_RETENTION = Duration.days(14);

/**
 * Values of the shape the function expects for the variables the construct fills from its own resources,
 * so that the synth-time check sees them set (their real values are known only at deploy time).
 */
const STAND_INS: Readonly<Record<string, string>> = {
  [ENV.eventBusArn]: "arn:aws:events:us-east-1:123456789012:event-bus/created-by-the-stack",
  [ENV.dlqUrl]: "https://sqs.us-east-1.amazonaws.com/123456789012/created-by-the-stack",
  [ENV.offloadS3Bucket]: "created-by-the-stack",
};

/**
 * Installs the esbuild version argv[2] names, builds with the options of argv[1] and writes the wrapper
 * script argv[4] as the executable file argv[3] beside the bundle.
 */
const BUNDLE_IN_IMAGE = `const [options, version, wrapperFile, wrapper] = process.argv.slice(1);
require("node:child_process").execFileSync("npm", ["install", "--no-save", "--prefix", "/tmp/esbuild", "esbuild@" + version], { stdio: "inherit" });
const built = JSON.parse(options);
require("/tmp/esbuild/node_modules/esbuild").buildSync(built);
require("node:fs").writeFileSync(require("node:path").join(built.outdir, wrapperFile), wrapper, { mode: 0o755 });`;

/**
 * The code of a function with `memorySize` MB: `functionBundle` (an `index.mjs` entry and its chunks)
 * and the runtime's wrapper script (`writeExecWrapper`), built with esbuild's JS API here, or, where
 * esbuild cannot be loaded, in the Node.js 24 build image with the same options and the esbuild version
 * the lockfile pins. Not `NodejsFunction`: it passes `--outfile`, which esbuild forbids with code
 * splitting.
 */
function functionCode(memorySize: number): lambda.AssetCode {
  const inImage = functionBundle(AssetStaging.BUNDLING_INPUT_DIR, AssetStaging.BUNDLING_OUTPUT_DIR);
  return lambda.Code.fromAsset(PROJECT_ROOT, {
    // The hash of the bundle, not of the project folder and its node_modules.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      local: {
        tryBundle(outputDir) {
          let esbuild: typeof import("esbuild");
          try {
            esbuild = createRequire(import.meta.url)("esbuild");
          } catch {
            return false;
          }
          esbuild.buildSync(functionBundle(PROJECT_ROOT, outputDir));
          writeExecWrapper(outputDir, memorySize);
          return true;
        },
      },
      image: lambda.Runtime.NODEJS_24_X.bundlingImage,
      environment: { npm_config_cache: "/tmp/npm-cache", npm_config_update_notifier: "false" },
      command: [
        "node",
        "-e",
        BUNDLE_IN_IMAGE,
        JSON.stringify(inImage),
        lockedVersion("esbuild"),
        EXEC_WRAPPER_FILE,
        execWrapperScript(memorySize),
      ],
    },
  });
}

/** The version of `name` that package-lock.json pins. */
function lockedVersion(name: string): string {
  const lock: { packages?: Record<string, { version?: unknown }> } = JSON.parse(
    readFileSync(join(PROJECT_ROOT, "package-lock.json"), "utf8"),
  );
  const version = lock.packages?.[`node_modules/${name}`]?.version;
  if (typeof version !== "string") throw new Error(`package-lock.json pins no version of ${name}`);
  return version;
}

/**
 * The whole deployment of SPEC §8: the function, its log group, the dead-letter and on-failure
 * destinations, one Kafka event source mapping per topic, least-privilege grants and alarms.
 */
export class KafkaToEventBridge extends Construct {
  readonly function: lambda.Function;
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
  /** The claim-check bucket (`OFFLOAD_S3_BUCKET`), with `createOffloadBucket` or `offloadS3Bucket`. */
  readonly offloadBucket: s3.IBucket | undefined;
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly alarmTopic: sns.ITopic | undefined;
  readonly dashboard: cloudwatch.Dashboard | undefined;
  readonly options: ResolvedOptions;

  constructor(scope: Construct, id: string, props: KafkaToEventBridgeProps) {
    super(scope, id);
    // JSON context or props built at run time can carry names TypeScript never saw.
    const unknown = unknownNames(Object.keys(props), OPTION_NAMES, "option");
    if (unknown.length > 0) throw new Error(unknown.join("\n"));
    const options = resolveOptions(props);
    this.options = options;

    this.eventBus =
      props.eventBusArn === undefined
        ? new events.EventBus(this, "EventBus")
        : events.EventBus.fromEventBusArn(this, "EventBus", props.eventBusArn);

    this.deadLetterQueue = this.encryptedQueue("DeadLetterQueue");
    this.offloadBucket = this.createOffloadBucket(options);

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

    const environment = {
      ...handlerEnvironment(
        // GLUE_REGISTRY_REGION defaults to the region of the Glue registries named.
        { ...props, glueRegistryRegion: options.registries.glueRegistryRegion },
        {
          eventBusArn: this.eventBus.eventBusArn,
          dlqUrl: this.deadLetterQueue.queueUrl,
          // Set from the same option as the mappings' ReportBatchItemFailures, so the two cannot disagree.
          partialBatchResponse: String(options.partialBatchResponse),
          ...(this.offloadBucket === undefined ? {} : { offloadS3Bucket: this.offloadBucket.bucketName }),
        },
      ),
    };
    // One validator: the function's own loader checks what the function will read, all problems at once.
    const problems = checkHandlerEnvironment(
      environment,
      options.topics.map((t) => t.topic),
      STAND_INS,
    );
    if (problems.length > 0) {
      throw new Error(
        `The function would reject ${problems.length === 1 ? "this setting" : `these ${problems.length} settings`} at cold start:\n${problems.map((p) => `- ${p.message}`).join("\n")}`,
      );
    }

    this.function = new lambda.Function(this, "Function", {
      code: functionCode(options.memorySize),
      handler: "index.handler",
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
      environment: {
        NODE_OPTIONS: functionNodeOptions(options.memorySize),
        AWS_LAMBDA_EXEC_WRAPPER: EXEC_WRAPPER_PATH,
        ...environment,
      },
    });

    this.grantHandlerAccess(options, props.iamRoleArn);
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
    const queues = { deadLetters: this.deadLetterQueue, onFailure: this.onFailureQueue };
    this.alarms = createAlarms(this, this.function, queues, options.alarms);
    if (this.alarmTopic !== undefined) {
      const action = new cloudwatchActions.SnsAction(this.alarmTopic);
      for (const alarm of this.alarms) alarm.addAlarmAction(action);
    }
    this.dashboard = options.dashboard
      ? createDashboard(
          this,
          this.function,
          options.topics.map(({ topic }) => topic),
          queues,
        )
      : undefined;

    // The function waits for its role's policy (so the mappings start with their permissions in place);
    // the role itself is already ordered by the function's `Role` reference, and repeating it in DependsOn
    // is what cfn-lint's W3005 reports.
    const policy = this.role.node.tryFindChild("DefaultPolicy")?.node.defaultChild;
    if (policy instanceof CfnResource) {
      (this.function.node.defaultChild as CfnResource).addOverride("DependsOn", [policy.logicalId]);
    }
  }

  /**
   * A queue for records that failed. Kept when the stack is deleted unless `deadLetterQueueRemovalPolicy` is
   * `destroy`: what it holds is someone's data.
   */
  private encryptedQueue(id: string): sqs.Queue {
    const queue = new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: QUEUE_RETENTION,
      enforceSSL: true,
      removalPolicy:
        this.options.deadLetterQueueRemovalPolicy === "retain" ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    acknowledgeRule(
      queue,
      "AwsSolutions-SQS3",
      "This queue is itself the dead-letter (or on-failure) destination.",
    );
    return queue;
  }

  /**
   * The claim-check bucket: created encrypted, private, TLS-only, with objects expiring; or an existing one.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
   */
  private createOffloadBucket(options: ResolvedOptions): s3.IBucket | undefined {
    const { offload } = options;
    if (offload === undefined) return undefined;
    if (offload.kind === "existing")
      return s3.Bucket.fromBucketName(this, "OffloadBucket", offload.bucketName);
    const bucket = new s3.Bucket(this, "OffloadBucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(offload.expirationDays) }],
    });
    acknowledgeRule(
      bucket,
      "AwsSolutions-S1",
      "Only the function writes claim-check payloads here; server access logging is left to the operator's log bucket.",
    );
    return bucket;
  }

  /**
   * PutEvents on the bus (or AssumeRole on `iamRoleArn` when the handler publishes through that role), the
   * registries and the claim-check prefix the options name; nothing for a feature that is off.
   */
  private grantHandlerAccess(options: ResolvedOptions, iamRoleArn: string | undefined): void {
    if (iamRoleArn === undefined) {
      this.eventBus.grantPutEventsTo(this.function);
    } else {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ["sts:AssumeRole"], resources: [iamRoleArn] }),
      );
    }
    if (this.offloadBucket !== undefined && options.offload !== undefined) {
      const objects = this.offloadBucket.arnForObjects(`${options.offload.prefix}*`);
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ["s3:PutObject"], resources: [objects] }),
      );
      acknowledgeWildcardResource(
        this.role,
        objects,
        "Claim-check objects are keyed <prefix><topic>/<partition>/<offset>, known only per record (SPEC §9).",
      );
    }
    grantFunctionRegistries(this.role, options.registries);
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
        ...(options.mappingSchemaRegistry === undefined
          ? {}
          : {
              schemaRegistryConfig: new MappingSchemaRegistryConfig(this.role, options.mappingSchemaRegistry),
            }),
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

  /** What the mappings' on-failure destination is: queue URL, bucket name or `kafka://<topic>`. */
  get onFailureDestination(): string {
    if (this.onFailureQueue !== undefined) return this.onFailureQueue.queueUrl;
    if (this.onFailureBucket !== undefined) return this.onFailureBucket.bucketName;
    return this.options.onFailure.kind === "kafka" ? `kafka://${this.options.onFailure.topic}` : "";
  }
}
