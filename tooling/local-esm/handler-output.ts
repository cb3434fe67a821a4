/**
 * What the handler printed during one invocation: its EMF metrics (Powertools Metrics writes one JSON
 * line per invocation, with a `_aws` key) give the records it delivered, dead-lettered and reported
 * failed. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export interface HandlerCounts {
  delivered: number;
  deadLettered: number;
  reportedFailed: number;
}

export interface HandlerOutputTap {
  /** The counts seen since the last call (undefined when no metrics line came: metrics are off). */
  take(): HandlerCounts | undefined;
  /** Writes a line of the tool's own to stderr, past the tap. */
  print(line: string): void;
  restore(): void;
}

type Write = typeof process.stdout.write;

/**
 * Intercepts this process's stdout and stderr, where the in-process handler logs: metrics lines are
 * counted and kept off the console (they are meant for CloudWatch); log lines pass through unless
 * `quiet`. Lines are split on newlines; a partial line waits for its end.
 */
export function tapHandlerOutput(options: { quiet: boolean }): HandlerOutputTap {
  let counts: HandlerCounts | undefined;
  const originals = new Map<NodeJS.WriteStream, Write>();
  const pending = new Map<NodeJS.WriteStream, string>();

  const handleLine = (line: string): boolean => {
    if (line.startsWith("{") && line.includes('"_aws"')) {
      try {
        const emf = JSON.parse(line) as Record<string, unknown>;
        const number = (name: string) => (typeof emf[name] === "number" ? (emf[name] as number) : 0);
        counts ??= { delivered: 0, deadLettered: 0, reportedFailed: 0 };
        counts.delivered += number("RecordsDelivered");
        counts.deadLettered += number("RecordsDeadLettered");
        counts.reportedFailed += number("RecordsReportedFailed");
        return false;
      } catch {
        // Not a metrics line after all: print it.
      }
    }
    return !options.quiet;
  };

  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as Write;
    originals.set(stream, original);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text =
        (pending.get(stream) ?? "") +
        (typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      const lines = text.split("\n");
      pending.set(stream, lines.pop() ?? "");
      const shown = lines.filter(handleLine);
      if (shown.length > 0) original(`${shown.join("\n")}\n`);
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }) as Write;
  }
  return {
    take() {
      const taken = counts;
      counts = undefined;
      return taken;
    },
    print(line) {
      (originals.get(process.stderr) ?? process.stderr.write.bind(process.stderr))(`${line}\n`);
    },
    restore() {
      for (const [stream, original] of originals) stream.write = original;
    },
  };
}
