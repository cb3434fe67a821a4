import type { TestProject } from "vitest/node";
import { ensureTestBench } from "../../tooling/test-bench/install";
import { startKafka } from "../../tooling/test-bench/kafka-server";
import { startMoto } from "../../tooling/test-bench/moto-server";

declare module "vitest" {
  export interface ProvidedContext {
    kafkaBootstrap: string;
    motoEndpoint: string;
  }
}

/** Installs the bench when missing, starts Kafka and moto for the whole suite, stops them after it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  ensureTestBench();
  const [kafka, moto] = await Promise.all([startKafka({ heapMb: 512 }), startMoto()]);
  project.provide("kafkaBootstrap", kafka.bootstrap);
  project.provide("motoEndpoint", moto.endpoint);
  console.log(`test bench up in ${Date.now() - started} ms: kafka ${kafka.bootstrap}, moto ${moto.endpoint}`);
  return async () => {
    await Promise.allSettled([kafka.stop(), moto.stop()]);
  };
}
