import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from "@aws-sdk/client-lambda";
import { type KafkaRecord, partitionKey } from "../../lambda/core/kafka-event";
import type { ReplayOutcome, ReplayTarget } from "./replay-target";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `record dead-lettered` lines of the function's log (Powertools JSON), by `<topic>-<partition>@<offset>`. */
function deadLetteredInLog(log: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of log.split("\n")) {
    const start = line.indexOf("{");
    if (start === -1 || !line.includes("record dead-lettered")) continue;
    try {
      const entry: unknown = JSON.parse(line.slice(start));
      if (isObject(entry) && entry.message === "record dead-lettered") {
        found.set(`${entry.topic}-${entry.partition}@${entry.offset}`, String(entry.errorCode ?? ""));
      }
    } catch {
      // A line cut by the 4 KB tail, or not the function's JSON: not evidence either way.
    }
  }
  return found;
}

/**
 * Replays by invoking the deployed function synchronously (`RequestResponse`, `LogType: Tail`). A
 * record in `batchItemFailures`, or every record when the function errs, failed. The others were
 * handled; the log tail (the last 4 KB) tells which were dead-lettered again, and when it holds the
 * whole invocation (its START line) the rest were delivered.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
export function lambdaTarget(client: LambdaClient, functionName: string): ReplayTarget {
  return {
    description: `the deployed function ${functionName}`,
    // Ten records keep their log lines well inside the 4 KB tail.
    batchSize: 10,
    async run(event) {
      const records = Object.values(event.records).flat();
      const outcomes = new Map<KafkaRecord, ReplayOutcome>();
      const failAll = (code: string, message: string) => {
        for (const record of records) outcomes.set(record, { kind: "failed", code, message });
        return outcomes;
      };
      let answer: InvokeCommandOutput;
      try {
        answer = await client.send(
          new InvokeCommand({
            FunctionName: functionName,
            InvocationType: "RequestResponse",
            LogType: "Tail",
            Payload: Buffer.from(JSON.stringify(event)),
          }),
        );
      } catch (error) {
        const e = error as Error;
        return failAll(e.name, `Invoke failed: ${e.message}`);
      }
      const payloadText = answer.Payload === undefined ? "" : Buffer.from(answer.Payload).toString("utf8");
      let payload: unknown;
      try {
        payload = payloadText === "" ? null : JSON.parse(payloadText);
      } catch {
        payload = payloadText;
      }
      if (answer.FunctionError !== undefined) {
        const message = isObject(payload) ? String(payload.errorMessage ?? "") : String(payload);
        const type =
          isObject(payload) && typeof payload.errorType === "string"
            ? payload.errorType
            : answer.FunctionError;
        return failAll(type, message);
      }
      const failedFrom = new Map<string, number>();
      if (isObject(payload) && Array.isArray(payload.batchItemFailures)) {
        for (const failure of payload.batchItemFailures) {
          const id = isObject(failure) ? failure.itemIdentifier : undefined;
          if (isObject(id) && typeof id.partition === "string" && typeof id.offset === "number") {
            failedFrom.set(id.partition, Math.min(id.offset, failedFrom.get(id.partition) ?? id.offset));
          }
        }
      }
      const log =
        answer.LogResult === undefined ? "" : Buffer.from(answer.LogResult, "base64").toString("utf8");
      const deadLettered = deadLetteredInLog(log);
      const wholeLog = /(^|\n)START RequestId:/.test(log);
      for (const record of records) {
        const from = failedFrom.get(partitionKey(record));
        const code = deadLettered.get(`${partitionKey(record)}@${record.offset}`);
        if (from !== undefined && record.offset >= from) {
          outcomes.set(record, {
            kind: "failed",
            code: "ReportedFailed",
            message: "in the function's batchItemFailures",
          });
        } else if (code !== undefined) outcomes.set(record, { kind: "deadLettered", code });
        else outcomes.set(record, wholeLog ? { kind: "delivered" } : { kind: "handled" });
      }
      return outcomes;
    },
    async close() {
      client.destroy();
    },
  };
}
