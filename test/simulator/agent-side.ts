/**
 * The agent's end of a simulated device: the project's SerialSource (serialport underneath)
 * opened on the device's stable path, with what it receives collected for assertions.
 */
import { SerialSource } from "../../drivers/serial/serial-source.js";
import { waitFor } from "../helpers/wait-for.js";

export interface AgentSide {
  source: SerialSource;
  /** Every chunk received, in order. */
  chunks: Buffer[];
  /** Lines as the GPS driver frames them (LF-split, CR stripped); only with `lines: true`. */
  lines: string[];
  bytes(): Buffer;
  stop(): Promise<void>;
}

export async function openAgentSide(
  path: string,
  name: "gps" | "scale",
  options: { lines?: boolean } = {},
): Promise<AgentSide> {
  const source = new SerialSource({
    name,
    path,
    baudRate: 9600,
    silenceTimeoutS: 30,
    reopenMinMs: 50,
    reopenMaxMs: 200,
    lines: options.lines ?? false,
  });
  const chunks: Buffer[] = [];
  const lines: string[] = [];
  source.on("data", (chunk) => chunks.push(chunk));
  source.on("line", (line) => lines.push(line));

  source.start();
  await waitFor(() => source.state === "open", 3000, `${name} port open`);

  return {
    source,
    chunks,
    lines,
    bytes: () => Buffer.concat(chunks),
    stop: () => source.stop(),
  };
}
