import type { TestProject } from "vitest/node";
import { startApicurio } from "../../tooling/test-bench/apicurio-server";
import { ensureTestBench } from "../../tooling/test-bench/install";
import { startKafka } from "../../tooling/test-bench/kafka-server";
import { startMoto } from "../../tooling/test-bench/moto-server";

declare module "vitest" {
  export interface ProvidedContext {
    kafkaBootstrap: string;
    motoEndpoint: string;
    /** Apicurio Registry's Confluent-compatible API root (`.../apis/ccompat/v7`). */
    schemaRegistryUrl: string;
  }
}

/**
 * Installs the bench when missing, starts Kafka, moto and Apicurio Registry side by side for the whole
 * suite (once per run), stops them after it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  ensureTestBench();
  const [kafka, moto, apicurio] = await Promise.all([
    startKafka({ heapMb: 512 }),
    startMoto(),
    startApicurio({ heapMb: 256 }),
  ]);
  project.provide("kafkaBootstrap", kafka.bootstrap);
  project.provide("motoEndpoint", moto.endpoint);
  project.provide("schemaRegistryUrl", apicurio.ccompatUrl);
  console.log(
    `test bench up in ${Date.now() - started} ms: kafka ${kafka.bootstrap}, moto ${moto.endpoint}, apicurio ${apicurio.url}`,
  );
  return async () => {
    await Promise.allSettled([kafka.stop(), moto.stop(), apicurio.stop()]);
  };
}
