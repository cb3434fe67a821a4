/**
 * Starts the test bench (Kafka 4.x in KRaft mode and moto) on free loopback ports for manual runs of
 * the local ESM, prints the settings to use, and stops both on Ctrl-C. Usage: npx tsx scripts/test-bench.ts
 */
import { startKafka } from "../tooling/test-bench/kafka-server";
import { startMoto } from "../tooling/test-bench/moto-server";

const [kafka, moto] = await Promise.all([startKafka(), startMoto()]);
process.stdout.write(
  [
    `Kafka:  ${kafka.bootstrap}   (log: ${kafka.logFile})`,
    `moto:   ${moto.endpoint}`,
    "",
    "For the handler and the AWS CLI/SDK:",
    `  export AWS_ENDPOINT_URL=${moto.endpoint} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1`,
    `  export EVENTBRIDGE_ENDPOINT_URL=${moto.endpoint}`,
    `Then: npm run local-esm -- --brokers ${kafka.bootstrap} --topics <topic,...>`,
    "Ctrl-C stops both and deletes the broker's data.",
    "",
  ].join("\n"),
);
const stop = async () => {
  await Promise.allSettled([kafka.stop(), moto.stop()]);
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
