/**
 * `gnss_fault`: the receiver says its antenna is open or shorted, or it stops talking. Both are
 * how a driver hides a detour — pull the antenna plug, or the receiver's power — so both are
 * alarms at once, with the last good position, and not the quieter `gps_no_fix` warning a tunnel
 * also produces.
 *
 * A silent receiver is seen two ways that decide alike: live, the runtime reports that no byte
 * has come for `silentS` (the serial watchdog); in a capture, the receiver's own clock jumps by
 * at least `silentS` between two epochs, since a receiver that talks sends an epoch every second
 * with or without a fix.
 */
import type { AntennaReport } from "../../drivers/gps/antenna.js";
import type { AgentEvent } from "../contracts.js";
import { round1, roundDeg, type LatLon } from "./geo.js";
import { iso } from "./track-point.js";

export class GnssWatch {
  private antennaFault = false;
  private lastEpochMs: number | null = null;
  /** A silence the runtime already reported; the epoch after it must not report it again. */
  private silenceReported = false;

  constructor(private readonly silentS: number) {}

  /** An antenna report at `atMs` (the last epoch's time: text sentences carry none). */
  antenna(report: AntennaReport, atMs: number, where: LatLon | null): AgentEvent | null {
    if (report.status === "ok") {
      this.antennaFault = false;
      return null;
    }
    if (this.antennaFault) return null;

    this.antennaFault = true;
    return fault(atMs, where, { reason: `antenna_${report.status}`, sentence: report.sentence });
  }

  /** Every epoch with a date, valid or not: the receiver is talking. */
  epoch(atMs: number, where: LatLon | null): AgentEvent | null {
    const previous = this.lastEpochMs;
    this.lastEpochMs = atMs;
    if (this.silenceReported) {
      this.silenceReported = false;
      return null;
    }
    if (previous === null || atMs - previous < this.silentS * 1000) return null;

    const event = fault(previous, where, { reason: "silent", silentS: round1((atMs - previous) / 1000) });
    event.endedAt = iso(atMs);
    return event;
  }

  /** Live: no data from the receiver since `fromMs`, now `atMs` (gateway clock). */
  silence(fromMs: number, atMs: number, where: LatLon | null): AgentEvent | null {
    if (this.silenceReported || atMs - fromMs < this.silentS * 1000) return null;
    this.silenceReported = true;
    return fault(fromMs, where, { reason: "silent", silentS: round1((atMs - fromMs) / 1000) });
  }
}

function fault(atMs: number, where: LatLon | null, details: Record<string, unknown>): AgentEvent {
  return {
    type: "gnss_fault",
    severity: "alarm",
    startedAt: iso(atMs),
    lat: where === null ? null : roundDeg(where.lat),
    lon: where === null ? null : roundDeg(where.lon),
    details,
  };
}
