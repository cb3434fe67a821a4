import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as s3 from "aws-cdk-lib/aws-s3";

/**
 * An S3 bucket as a Kafka mapping's on-failure destination, granting only what Lambda uses:
 * `s3:PutObject` on the objects and `s3:ListBucket` on the bucket
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html).
 * aws-cdk-lib's `S3OnFailureDestination` grants `grantReadWrite`, which adds reads and deletes.
 */
export class S3FailureDestination implements lambda.IEventSourceDlq {
  constructor(private readonly bucket: s3.IBucket) {}

  bind(_target: lambda.IEventSourceMapping, targetHandler: lambda.IFunction): lambda.DlqDestinationConfig {
    targetHandler.addToRolePolicy(
      new iam.PolicyStatement({ actions: ["s3:PutObject"], resources: [this.bucket.arnForObjects("*")] }),
    );
    targetHandler.addToRolePolicy(
      new iam.PolicyStatement({ actions: ["s3:ListBucket"], resources: [this.bucket.bucketArn] }),
    );
    return { destination: this.bucket.bucketArn };
  }
}
