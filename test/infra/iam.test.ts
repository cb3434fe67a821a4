import { describe, expect, it } from "vitest";
import { ENI_ACTIONS } from "../../infra/kafka-access";
import type { KafkaToEventBridgeProps } from "../../infra/options";
import {
  BUS_ARN,
  GLUE_REGISTRY_ARN,
  mskIam,
  policyStatements,
  SECRET_ARN,
  selfManaged,
  statementsWith,
  template,
} from "./synth";

const variants: [string, KafkaToEventBridgeProps][] = [
  ["MSK IAM", mskIam({ onFailure: "kafka:orders-dlt" })],
  ["MSK SCRAM", mskIam({ authSecretArn: SECRET_ARN, onFailure: "s3" })],
  ["self-managed SCRAM in a VPC", selfManaged()],
  ["self-managed with a new bus", selfManaged({ eventBusArn: undefined })],
  ["the mapping's own Glue registry", mskIam({ mappingSchemaRegistry: { uri: GLUE_REGISTRY_ARN } })],
  [
    "the mapping's own Confluent registry",
    mskIam({
      mappingSchemaRegistry: {
        uri: "https://registry.example.com",
        accessConfigs: [{ type: "BASIC_AUTH", secretArn: SECRET_ARN }],
      },
    }),
  ],
];

describe("IAM scoping", () => {
  it.each(variants)("grants no Action '*' and no Resource '*' beyond the ENI actions (%s)", (_, props) => {
    for (const statement of policyStatements(template(props))) {
      const actions = [statement.Action].flat();
      expect(actions).not.toContain("*");
      for (const action of actions) expect(action).not.toMatch(/^[a-z0-9-]+:\*$/);
      if ([statement.Resource].flat().includes("*")) {
        expect(actions).toEqual([...ENI_ACTIONS]);
      }
    }
  });

  it.each(variants)("attaches no managed policy to the function role (%s)", (_, props) => {
    const roles = Object.values(template(props).findResources("AWS::IAM::Role"));
    for (const role of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it("allows events:PutEvents on the given bus only", () => {
    expect(statementsWith(template(mskIam()), "events:PutEvents")).toEqual([
      expect.objectContaining({ Action: "events:PutEvents", Resource: BUS_ARN }),
    ]);
  });

  it("allows events:PutEvents on the created bus only", () => {
    const t = template(selfManaged({ eventBusArn: undefined }));
    const [bus] = Object.keys(t.findResources("AWS::Events::EventBus"));
    expect(statementsWith(t, "events:PutEvents")).toEqual([
      expect.objectContaining({ Resource: { "Fn::GetAtt": [bus, "Arn"] } }),
    ]);
  });

  it("allows sending to the dead-letter queue and the on-failure queue, nothing else of SQS", () => {
    const t = template(mskIam());
    const queues = Object.keys(t.findResources("AWS::SQS::Queue")).map((id) => ({
      "Fn::GetAtt": [id, "Arn"],
    }));
    const sqs = policyStatements(t).filter((s) => [s.Action].flat().some((a) => a.startsWith("sqs:")));
    expect(sqs.map((s) => s.Resource)).toEqual(expect.arrayContaining(queues));
    expect(sqs).toHaveLength(2);
    for (const statement of sqs) {
      expect(statement.Action).toEqual(["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]);
    }
  });

  it("writes logs only to its own log group", () => {
    const t = template(mskIam());
    const [logGroup] = Object.keys(t.findResources("AWS::Logs::LogGroup"));
    expect(statementsWith(t, "logs:PutLogEvents")).toEqual([
      expect.objectContaining({
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: { "Fn::GetAtt": [logGroup, "Arn"] },
      }),
    ]);
  });

  it("assumes the cross-account role instead of putting events itself when iamRoleArn is set", () => {
    const role = "arn:aws:iam::210987654321:role/eventbridge-writer";
    const t = template(mskIam({ iamRoleArn: role, iamExternalId: "shared-secret" }));
    expect(statementsWith(t, "sts:AssumeRole")).toEqual([expect.objectContaining({ Resource: role })]);
    expect(statementsWith(t, "events:PutEvents")).toEqual([]);
  });
});
