import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import {
  EXEC_WRAPPER_FILE,
  EXEC_WRAPPER_PATH,
  functionNodeOptions,
  functionV8Flags,
} from "../../infra/function-runtime";
import { FUNCTION_LOGICAL_ID } from "../../infra/stack";
import { ENV } from "../../lambda/env-names";
import { BUS_ARN, mskIam, synthStack, template } from "./synth";

describe("function", () => {
  it("runs on Node.js 24 on arm64 with the handler export", () => {
    template(mskIam()).hasResourceProperties("AWS::Lambda::Function", {
      Runtime: "nodejs24.x",
      Architectures: ["arm64"],
      Handler: "index.handler",
      MemorySize: 1024,
      Timeout: 120,
    });
  });

  it("logs to its own log group with a retention", () => {
    const t = template(mskIam({ logRetentionDays: 14 }));
    const [logGroup] = Object.keys(t.findResources("AWS::Logs::LogGroup"));
    t.hasResourceProperties("AWS::Logs::LogGroup", { RetentionInDays: 14 });
    t.hasResourceProperties("AWS::Lambda::Function", { LoggingConfig: { LogGroup: { Ref: logGroup } } });
  });

  it("takes memory, timeout and reserved concurrency from the options", () => {
    template(
      mskIam({ memorySize: 2048, timeoutSeconds: 300, reservedConcurrency: 20 }),
    ).hasResourceProperties("AWS::Lambda::Function", {
      MemorySize: 2048,
      Timeout: 300,
      ReservedConcurrentExecutions: 20,
    });
  });

  it("builds its environment from the ENV names: connector, bus, DLQ, partial batch response, V8 flags", () => {
    const t = template(mskIam());
    const [queue] = Object.keys(t.findResources("AWS::SQS::Queue")).filter((id) =>
      id.includes("DeadLetterQueue"),
    );
    t.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: {
          NODE_OPTIONS: "--max-semi-space-size=2 --max-old-space-size=128",
          AWS_LAMBDA_EXEC_WRAPPER: "/var/task/node-flags",
          [ENV.connectorId]: "orders-sink",
          [ENV.eventBusArn]: BUS_ARN,
          [ENV.dlqUrl]: { Ref: queue },
          [ENV.partialBatchResponse]: "true",
        },
      },
    });
  });

  it("bounds V8's heap by the memory size: 2 MB semi-spaces, an old generation of half the memory up to 128 MB", () => {
    template(mskIam({ memorySize: 192 })).hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({ NODE_OPTIONS: "--max-semi-space-size=2 --max-old-space-size=96" }),
      },
    });
    expect(functionNodeOptions(10_240)).toBe("--max-semi-space-size=2 --max-old-space-size=128");
  });

  it("starts V8 with Maglev only, compiling on the main thread, and an initial old generation of at most half its bound", () => {
    expect(functionV8Flags(1024)).toEqual([
      "--max-opt=2",
      "--no-concurrent-recompilation",
      "--initial-old-space-size=48",
    ]);
    // 128 MB: an old generation of at most 64 MB, starting at 32.
    expect(functionV8Flags(128)).toContain("--initial-old-space-size=32");
  });

  it("passes every handler setting under its ENV name", () => {
    const t = template(
      mskIam({
        eventSource: "orders.kafka",
        detailTypes: "orders:OrderPlaced,customers:CustomerChanged",
        detailTypeJsonPath: "$.eventType",
        eventResources: ["arn:aws:s3:::a", "arn:aws:s3:::b"],
        eventTime: "timestamp",
        keyFormat: "string",
        valueFormat: { orders: "json", customers: "auto" },
        maxRequestBytes: 262_144,
        maxConcurrency: 32,
        retryDelayMs: 100,
        retriesMax: 4,
        deadlineMarginMs: 2000,
        logLevel: "DEBUG",
        logRecordPayloads: false,
      }),
    );
    t.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          [ENV.eventSource]: "orders.kafka",
          [ENV.detailTypes]: "orders:OrderPlaced,customers:CustomerChanged",
          [ENV.detailTypeJsonPath]: "$.eventType",
          [ENV.eventResources]: "arn:aws:s3:::a,arn:aws:s3:::b",
          [ENV.eventTime]: "timestamp",
          [ENV.keyFormat]: "string",
          [ENV.valueFormat]: "orders:json,customers:auto",
          [ENV.maxRequestBytes]: "262144",
          [ENV.maxConcurrency]: "32",
          [ENV.retryDelayMs]: "100",
          [ENV.retriesMax]: "4",
          [ENV.deadlineMarginMs]: "2000",
          [ENV.logLevel]: "DEBUG",
          [ENV.logRecordPayloads]: "false",
        }),
      },
    });
  });

  it("creates a bus and publishes to it when no bus is given", () => {
    const t = template(mskIam({ eventBusArn: undefined }));
    const [bus] = Object.keys(t.findResources("AWS::Events::EventBus"));
    expect(bus).toBeDefined();
    t.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ [ENV.eventBusArn]: { "Fn::GetAtt": [bus, "Arn"] } }) },
    });
  });

  it("creates no bus when one is given", () => {
    template(mskIam()).resourceCountIs("AWS::Events::EventBus", 0);
  });
});

describe("queues", () => {
  it("keeps dead letters 14 days, encrypted, reachable over TLS only", () => {
    const t = template(mskIam());
    const queues = t.findResources("AWS::SQS::Queue", {
      Properties: { MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true },
    });
    expect(Object.keys(queues)).toHaveLength(2);
    t.hasResourceProperties("AWS::SQS::QueuePolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });
});

describe("queue removal", () => {
  const queueLogicalId = (t: Template, name: string): string => {
    const [id] = Object.keys(t.findResources("AWS::SQS::Queue")).filter((logicalId) =>
      logicalId.includes(name),
    );
    if (id === undefined) throw new Error(`no ${name}`);
    return id;
  };

  it("keeps the dead-letter and on-failure queues when the stack is deleted: poison records are someone's data", () => {
    const t = template(mskIam());
    for (const name of ["DeadLetterQueue", "OnFailureQueue"]) {
      t.hasResource("AWS::SQS::Queue", {
        DeletionPolicy: "Retain",
        UpdateReplacePolicy: "Retain",
      });
      expect(t.toJSON().Resources[queueLogicalId(t, name)].DeletionPolicy).toBe("Retain");
    }
  });

  it("deletes them with the stack when asked", () => {
    const t = template(mskIam({ deadLetterQueueRemovalPolicy: "destroy" }));
    expect(t.toJSON().Resources[queueLogicalId(t, "DeadLetterQueue")].DeletionPolicy).toBe("Delete");
  });
});

describe("outputs", () => {
  it("exports the function name, DLQ URL, on-failure destination, bus and log group", () => {
    const t = template(mskIam());
    const [queue] = Object.keys(t.findResources("AWS::SQS::Queue")).filter((id) =>
      id.includes("DeadLetterQueue"),
    );
    t.hasOutput("FunctionName", { Value: { Ref: FUNCTION_LOGICAL_ID } });
    t.hasOutput("DeadLetterQueueUrl", { Value: { Ref: queue } });
    t.hasOutput("EventBusArn", { Value: BUS_ARN });
    t.hasOutput("OnFailureDestination", { Value: Match.anyValue() });
    t.hasOutput("LogGroupName", { Value: Match.anyValue() });
  });

  it("names a Kafka on-failure topic in the outputs", () => {
    template(mskIam({ onFailure: "kafka:orders-dlt" })).hasOutput("OnFailureDestination", {
      Value: "kafka://orders-dlt",
    });
  });
});

describe("the bundled function", () => {
  let bundled: { fn: Record<string, Record<string, unknown>> | undefined; assetPath: string } | undefined;
  /** Synthesizes with the real esbuild bundling, once for the tests below. */
  const bundle = () => {
    if (bundled !== undefined) return bundled;
    const stack = synthStack(mskIam(), { bundle: true });
    const assembly = stack.node.root as unknown as { synth(): { directory: string } };
    const { directory } = assembly.synth();
    const fn = Template.fromStack(stack).findResources("AWS::Lambda::Function")[FUNCTION_LOGICAL_ID];
    bundled = { fn, assetPath: join(directory, String(fn?.Metadata?.["aws:asset:path"])) };
    return bundled;
  };
  const codeFiles = () =>
    readdirSync(bundle().assetPath)
      .filter((file) => file.endsWith(".mjs"))
      .sort();
  /** The source files (from its source map) each output file of the asset was bundled from. */
  const sourcesOf = (file: string): string[] =>
    JSON.parse(readFileSync(join(bundle().assetPath, `${file}.map`), "utf8")).sources;
  /** The output files holding code from `source` (a path fragment such as `node_modules/avsc/`). */
  const filesWith = (source: string) =>
    codeFiles().filter((file) => sourcesOf(file).some((s) => s.includes(source)));

  /**
   * Imports `file` of the asset in a fresh `node` with the function's minimum configuration; returns the
   * asset files loaded (a load hook sees each module), whether node:http or undici loaded, and what `run`
   * (an expression on the module `m`) evaluates to.
   */
  const importInFreshNode = (file: string, run: string) => {
    const probe = `import { registerHooks } from "node:module";
      const files = [];
      registerHooks({ load(url, context, next) { if (url.startsWith("file:")) files.push(url.split("/").at(-1)); return next(url, context); } });
      const m = await import(${JSON.stringify(pathToFileURL(join(bundle().assetPath, file)).href)});
      console.log(JSON.stringify({ result: ${run}, files,
        undici: process.moduleLoadList.some((name) => name.includes("undici")),
        http: process.moduleLoadList.includes("NativeModule http") }));`;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", probe], {
      env: { PATH: process.env.PATH, AWS_REGION: "us-east-1", CONNECTOR_ID: "probe", EVENT_BUS_ARN: BUS_ARN },
      encoding: "utf8",
    });
    return JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as {
      result: unknown;
      files: string[];
      undici: boolean;
      http: boolean;
    };
  };

  /** Heavy code only a payload that needs it loads: registry codecs and clients, the claim check's S3 client. */
  const LAZY = [
    "node_modules/avsc/",
    "node_modules/protobufjs/",
    "node_modules/@aws-sdk/client-glue/",
    "node_modules/@aws-sdk/client-secrets-manager/",
    "node_modules/@aws-sdk/client-s3/",
  ];

  it("is found by sam local invoke through the asset metadata of a function with a stable logical ID", () => {
    const { fn, assetPath } = bundle();
    expect(fn?.Properties?.Handler).toBe("index.handler");
    expect(fn?.Metadata).toMatchObject({ "aws:asset:property": "Code", "aws:asset:is-bundled": true });
    const code = readFileSync(join(assetPath, "index.mjs"), "utf8");
    expect(code.startsWith("import { createRequire } from 'module'")).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
    expect(existsSync(join(assetPath, "index.mjs.map"))).toBe(true);
    // Minified: long lines (the few line breaks left are inside string literals).
    expect(code.length / code.split("\n").length).toBeGreaterThan(500);
  });

  it("splits into an entry and chunks, each with the require banner and a source map", () => {
    const files = codeFiles();
    expect(files).toContain("index.mjs");
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      expect(readFileSync(join(bundle().assetPath, file), "utf8")).toMatch(/^import \{ createRequire \}/);
      expect(existsSync(join(bundle().assetPath, `${file}.map`))).toBe(true);
    }
  });

  it("keeps the codecs, the registry clients and the S3 client in chunks of their own, out of index.mjs", () => {
    for (const source of LAZY) {
      expect(filesWith(source), source).not.toEqual([]);
      expect(filesWith(source), source).not.toContain("index.mjs");
    }
  });

  it("imports on this Node.js with its configuration, without loading node:http, undici or a lazy chunk", () => {
    const loaded = importInFreshNode("index.mjs", "typeof m.handler");
    // The IMDS credential provider imports node:http; through the alias it loads only if that code runs.
    expect(loaded).toMatchObject({ result: "function", undici: false, http: false });
    expect(loaded.files).toContain("index.mjs");
    // Shared code sits in chunks the entry imports statically; none of them holds the lazy code.
    expect(loaded.files.length).toBeGreaterThan(1);
    for (const source of LAZY) {
      for (const file of filesWith(source)) expect(loaded.files, `${file} (${source})`).not.toContain(file);
    }
  });

  it("carries the runtime's wrapper script, which starts the interpreter with the V8 flags before Lambda's arguments", () => {
    const { fn, assetPath } = bundle();
    expect(fn?.Properties?.Environment).toMatchObject({
      Variables: { AWS_LAMBDA_EXEC_WRAPPER: EXEC_WRAPPER_PATH },
    });
    expect(EXEC_WRAPPER_PATH).toBe(`/var/task/${EXEC_WRAPPER_FILE}`);
    const wrapper = join(assetPath, EXEC_WRAPPER_FILE);
    expect(statSync(wrapper).mode & 0o111).toBe(0o111);
    // Lambda runs it as `<wrapper> <interpreter> <its arguments>`; node exits on a V8 flag it does not know.
    const lambdaArguments = ["--expose-gc", "-p", "JSON.stringify(process.execArgv)"];
    const output = execFileSync(wrapper, [process.execPath, ...lambdaArguments], { encoding: "utf8" });
    expect(JSON.parse(output)).toEqual([...functionV8Flags(1024), ...lambdaArguments]);
  });

  it("loads a registry codec's chunk when it is imported, and the codec renders", () => {
    const [avroCodec] = filesWith("lambda/schema-registry/codecs/avro.ts");
    if (avroCodec === undefined) throw new Error("no chunk holds the Avro codec");
    const schema = JSON.stringify({ type: "record", name: "Order", fields: [{ name: "id", type: "long" }] });
    // Avro writes a long as a zig-zag varint: 42 is the byte 0x54.
    const loaded = importInFreshNode(
      avroCodec,
      `m.compile({ text: ${JSON.stringify(schema)}, references: new Map() }, { decimalFormat: "base64" }).render(Buffer.from([0x54]))`,
    );
    expect(loaded.result).toBe('{"id":42}');
    for (const file of filesWith("node_modules/avsc/")) expect(loaded.files).toContain(file);
    expect(loaded.files).not.toContain("index.mjs");
  });
});
