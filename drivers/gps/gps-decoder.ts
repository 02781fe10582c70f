/**
 * The GPS driver's decoding half: framed lines in, fixes out, faults counted. It has no I/O, so
 * the live serial reader, the capture replay and the tests all drive the same code.
 */
import type { Fix } from "../../agent/contracts.js";
import { MalformedSentence, decodeSentence } from "./decode.js";
import { EpochAssembler } from "./epoch.js";
import { antennaReportOf, type AntennaReport } from "./antenna.js";
import { emptyFaultCounts, type GpsFaultCounts } from "./faults.js";
import { USED_TYPES, type UsedType } from "./observation.js";
import { checkSentence, withFields } from "./sentence.js";
import { logger } from "../../agent/log.js";

export interface GpsStats {
  lines: number;
  sentences: number;
  /** Well-formed standard sentences the agent does not use (GSV, TXT, HDT, …), by type. */
  ignored: Record<string, number>;
  fixes: number;
  validFixes: number;
  faults: GpsFaultCounts;
}

const USED = new Set<string>(USED_TYPES);
const log = logger("gps");

export class GpsDecoder {
  private readonly assembler: EpochAssembler;
  private readonly faults = emptyFaultCounts();
  private readonly ignored: Record<string, number> = {};
  private counts = { lines: 0, sentences: 0, fixes: 0, validFixes: 0 };

  constructor(
    private readonly onFix: (fix: Fix) => void,
    clock: () => number = Date.now,
    /** Antenna supervision reports (open, short, ok) from text and vendor sentences. */
    private readonly onAntenna: (report: AntennaReport) => void = () => undefined,
  ) {
    this.assembler = new EpochAssembler(clock);
  }

  /**
   * One line as framed on LF. Trailing CRs (CR LF, CR CR LF) are dropped, and a CR inside the
   * line ends a sentence too, for devices that end lines with CR alone.
   */
  pushLine(line: string): void {
    const cr = line.indexOf("\r");
    if (cr < 0) this.handle(line);
    else if (cr === line.length - 1) this.handle(line.slice(0, cr));
    else for (const part of line.split("\r")) this.handle(part);
  }

  /** Ends the open epoch: at the end of a capture, or after the line has gone quiet. */
  flush(): void {
    this.emit(this.assembler.close());
  }

  get hasOpenEpoch(): boolean {
    return this.assembler.hasOpenEpoch;
  }

  stats(): GpsStats {
    return { ...this.counts, ignored: { ...this.ignored }, faults: { ...this.faults } };
  }

  private handle(line: string): void {
    if (line.length === 0) return;
    this.counts.lines++;

    const antenna = antennaReportOf(line);
    if (antenna !== null) this.onAntenna(antenna);

    const sentence = checkSentence(line, this.faults);
    if (sentence === null) return;
    this.counts.sentences++;

    // Parse only what the agent uses: on a 10 Hz receiver most lines are GSV and vendor chatter.
    if (!USED.has(sentence.type)) {
      this.ignored[sentence.type] = (this.ignored[sentence.type] ?? 0) + 1;
      return;
    }

    try {
      this.emit(this.assembler.add(decodeSentence(withFields(sentence), sentence.type as UsedType)));
    } catch (error) {
      if (!(error instanceof MalformedSentence)) throw error;
      this.faults.malformed++;
      log.debug({ err: error.message }, "malformed sentence dropped");
    }
  }

  private emit(fix: Fix | null): void {
    if (fix === null) return;

    this.counts.fixes++;
    if (fix.valid) this.counts.validFixes++;
    this.onFix(fix);
  }
}
