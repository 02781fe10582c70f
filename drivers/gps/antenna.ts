/**
 * Antenna supervision reports: receivers that power an active antenna watch its current and say
 * when it is open (unplugged, cut) or shorted — exactly what a driver does to hide a detour.
 * There is no standard sentence; these are the ones known, each checksum-verified first:
 *
 *   $GPTXT,01,01,02,ANTSTATUS=OPEN*…   u-blox 5 … M10 (also =SHORT, =OK, =INIT, =DONTKNOW),
 *                                      also sent by Quectel L76/L80 (u-blox integration manuals)
 *   $GPTXT,01,01,01,ANTENNA OPEN*…     CASIC receivers (ATGM336H and kin): OPEN, SHORT, OK
 *   $PGTOP,11,<n>*…                    MediaTek PMTK firmware: 1 active antenna shorted,
 *                                      2 internal antenna in use, 3 active antenna in use
 *   $PSTMANTENNASTATUS,<s>,…*…         ST Teseo: s = 0 normal, 1 open, 2 short (gpsd's
 *                                      sl869 capture shows 0,0,0,0 on a receiver with a fix)
 * INIT, DONTKNOW and "internal antenna" say nothing either way and are ignored.
 */
import { verifyChecksum } from "./checksum.js";

export type AntennaStatus = "ok" | "open" | "short";

export interface AntennaReport {
  status: AntennaStatus;
  /** The sentence as received, for the event's evidence. */
  sentence: string;
}

const TEXT_STATUS = /ANT(?:STATUS=|ENNA\s+)(OK|OPEN|SHORT)\b/;
const TESEO_STATUS: Record<string, AntennaStatus> = { "0": "ok", "1": "open", "2": "short" };
const MEDIATEK_STATUS: Record<string, AntennaStatus> = { "1": "short", "3": "ok" };

/** The antenna status a line reports, or null when it reports none (almost every line). */
export function antennaReportOf(line: string): AntennaReport | null {
  // Cheap test first: at 10 Hz a receiver sends ~80 lines a second and none of them is this.
  if (line.indexOf("ANT") < 0 && line.indexOf("PGTOP") < 0) return null;

  const start = line.lastIndexOf("$");
  if (start < 0) return null;
  const sentence = line.slice(start).trimEnd();
  const { verdict, bodyEnd } = verifyChecksum(sentence);
  if (verdict !== "ok") return null;

  const status = statusOf(sentence.slice(0, bodyEnd).split(","));
  return status === null ? null : { status, sentence };
}

function statusOf(fields: string[]): AntennaStatus | null {
  const address = fields[0] ?? "";
  if (address === "$PSTMANTENNASTATUS") return TESEO_STATUS[fields[1] ?? ""] ?? null;
  if (address === "$PGTOP" && fields[1] === "11") return MEDIATEK_STATUS[fields[2] ?? ""] ?? null;
  if (/^\$[A-Z]{2}TXT$/.test(address)) {
    const match = TEXT_STATUS.exec(fields.slice(4).join(","));
    return match === null ? null : (match[1]!.toLowerCase() as AntennaStatus);
  }
  return null;
}
