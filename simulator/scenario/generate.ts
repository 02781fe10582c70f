/**
 * A scenario, second by second: the bytes the receiver and the indicator send, the switch
 * changes, the devices pulled and the broker lost — and beside them what really happened (where
 * the truck was, how fast, what it carried). Pure and deterministic for a given seed: the same
 * scenario yields the same bytes everywhere, whether they go to a file (replay) or a pty (run).
 *
 * The receiver sends RMC + GGA each second; the indicator ascii frames (`ST,GS,+035000 kg`).
 * Noise comes from one seeded generator in a fixed order; the faults added later draw from a
 * second one, so adding a fault to a scenario does not change the noise of the rest.
 */
import { seededRandom } from "../prng.js";
import { withChecksum } from "../../drivers/gps/checksum.js";
import type { ResolvedScenario, ResolvedStep } from "./places.js";
import type { DeviceName, InputName, Scenario } from "./schema.js";
import { toLonLat, type Xy } from "./world.js";

type Span = [fromS: number, toS: number];

/** Something done to the rig at a second: a device pulled or plugged back, the link cut or back. */
export type RigAction =
  | { kind: "unplug"; device: DeviceName; mode: "hangup" | "silent" }
  | { kind: "replug"; device: DeviceName }
  | { kind: "brokerDown" }
  | { kind: "brokerUp" };

/** What really happened in one second. */
export interface TrueState {
  at: Xy;
  lonLat: [number, number];
  speedKmh: number;
  weightKg: number | null;
  inputs: Partial<Record<InputName, boolean>>;
}

export interface Tick {
  /** Seconds since the scenario's start. */
  s: number;
  /** Receiver bytes of this second ("" when it is silent or unplugged). */
  gps: string;
  /** Indicator bytes of this second. */
  scale: string;
  /** Switch changes at the start of this second. */
  inputs: Partial<Record<InputName, boolean>> | null;
  actions: RigAction[];
  truth: TrueState;
}

/** A load or unload, or a spill, as the scenario made it happen. */
export interface WeightChange {
  kind: "change" | "spill";
  startS: number;
  endS: number;
  at: Xy;
  fromKg: number;
  toKg: number;
  /** The body was raised for it (a tip, not a reading that fell). */
  bodyLift: boolean;
}

export interface Timeline {
  startMs: number;
  ticks: Tick[];
  changes: WeightChange[];
}

export interface GenerateOptions {
  /** Speed limit at a point, for drives at "limit". */
  limitKmh: (lonLat: [number, number]) => number;
  /** Overrides the scenario's seed. */
  seed?: number;
}

const WEEK_ROLLOVER_MS = 1024 * 7 * 86_400_000;

class Generator {
  private readonly random: () => number;
  private readonly faultRandom: () => number;
  private readonly startMs: number;
  private readonly ticks: Tick[] = [];
  private readonly changes: WeightChange[] = [];
  private readonly inputState: Partial<Record<InputName, boolean>>;
  private pendingInputs: Partial<Record<InputName, boolean>> | null = null;
  private pendingActions: Array<{ atS: number; action: RigAction }> = [];
  private readonly unplugged = new Set<DeviceName>();
  private second = 0;
  private at: Xy;
  private weightKg: number;

  constructor(
    private readonly scenario: Scenario,
    private readonly resolved: ResolvedScenario,
    private readonly options: GenerateOptions,
  ) {
    const seed = options.seed ?? scenario.seed;
    this.random = seededRandom(seed);
    this.faultRandom = seededRandom(seed ^ 0x5eed);
    this.startMs = Date.parse(scenario.start);
    this.at = [0, 0];
    this.weightKg = scenario.scale?.startKg ?? 0;
    this.inputState = { ...scenario.inputs };
    if (scenario.inputs !== undefined) this.pendingInputs = { ...scenario.inputs };
  }

  run(): Timeline {
    const first = this.resolved.steps[0]!;
    if (first.at !== undefined) this.at = first.at;
    if (first.drive !== undefined) this.at = first.drive[0]!;
    for (const step of this.resolved.steps) {
      this.scheduleRig(step);
      if ("stay" in step) this.stay(step as StayLike);
      else this.drive(step as DriveLike);
    }
    return { startMs: this.startMs, ticks: this.ticks, changes: this.changes };
  }

  private stay(step: StayLike): void {
    if (step.at !== undefined) this.at = step.at;
    const spot = this.at;
    const fromKg = this.weightKg;
    const changeAtS = step.changeAtS ?? 30;
    const changeS = step.changeS ?? 60;
    const phase = [this.random() * 6.28, this.random() * 6.28];
    this.setInputs(step.inputs);
    if (step.weightTo !== undefined) {
      const startS = this.second + changeAtS;
      const bodyLift = step.bodyLift === true;
      this.changes.push({ kind: "change", startS, endS: startS + changeS, at: spot, fromKg, toKg: step.weightTo, bodyLift });
    }

    for (let s = 0; s < step.stay; s++) {
      const drift = step.driftM ?? 0;
      const at: Xy = [spot[0] + drift * Math.sin(s / 23 + phase[0]!), spot[1] + drift * Math.cos(s / 31 + phase[1]!)];
      const speedKmh = drift > 0 ? this.random() * 1.5 : 0;
      let changing = false;

      if (step.weightTo !== undefined) {
        const progress = Math.min(1, Math.max(0, (s - changeAtS) / changeS));
        const stepped = step.buckets === undefined ? progress : Math.ceil(progress * step.buckets) / step.buckets;
        this.weightKg = fromKg + (step.weightTo - fromKg) * stepped;
        changing = s >= changeAtS && s < changeAtS + changeS;
        if (step.bodyLift === true) this.setInputs({ bodyLift: s >= changeAtS - 5 && s < changeAtS + changeS + 5 });
      }
      // Temperature drift adds to whatever the load does, as it would on a real load cell.
      if (step.weightDriftKg !== undefined) {
        const changedKg = step.weightTo === undefined ? fromKg : this.weightKg;
        this.weightKg = changedKg + (step.weightDriftKg * s) / step.stay;
      }

      const wobble = step.wobbleKg !== undefined && s < 8 ? step.wobbleKg * Math.sin(s * 1.9) : 0;
      this.epoch(step, s, { at, trueAt: spot, speedKmh, courseDeg: 0 }, wobble, changing || wobble !== 0);
    }
  }

  private drive(step: DriveLike): void {
    const path = [this.at, ...step.drive];
    let leg = 1;
    let s = 0;
    const fromKg = this.weightKg;
    this.setInputs(step.inputs);
    if (step.spillKg !== undefined) {
      const startS = this.second + (step.spillAtS ?? 60);
      this.changes.push({ kind: "spill", startS, endS: startS + 30, at: this.at, fromKg, toKg: fromKg - step.spillKg, bodyLift: false });
    }

    while (leg < path.length) {
      const jitter = step.speedJitterKmh ?? 0;
      const baseKmh =
        step.speedKmh === "limit"
          ? this.options.limitKmh(toLonLat(this.at, this.resolved.origin)) + (step.limitOffsetKmh ?? 0)
          : step.speedKmh;
      const speedKmh = Math.max(0, baseKmh + (this.random() * 2 - 1) * jitter);
      let leftM = speedKmh / 3.6;
      let courseDeg = 0;
      while (leftM > 0 && leg < path.length) {
        const [to, from] = [path[leg]!, this.at];
        const legM = Math.hypot(to[0] - from[0], to[1] - from[1]);
        courseDeg = (Math.atan2(to[0] - from[0], to[1] - from[1]) * 180) / Math.PI;
        if (legM <= leftM) {
          this.at = to;
          leftM -= legM;
          leg++;
        } else {
          this.at = [from[0] + ((to[0] - from[0]) * leftM) / legM, from[1] + ((to[1] - from[1]) * leftM) / legM];
          leftM = 0;
        }
      }

      if (step.spillKg !== undefined) {
        const spillAtS = step.spillAtS ?? 60;
        this.weightKg = fromKg - step.spillKg * Math.min(1, Math.max(0, (s - spillAtS) / 30));
      }
      const shake = step.vibrationKg === undefined ? 0 : (this.random() * 2 - 1) * step.vibrationKg;
      const epoch = { at: this.at, trueAt: this.at, speedKmh, courseDeg: (courseDeg + 360) % 360 };
      this.epoch(step, s, epoch, shake, true);
      s++;
      // A zero speed would never arrive; the schema keeps speeds positive, the jitter does not.
      if (speedKmh === 0 && s > 3600) break;
    }
  }

  /** One second: rig actions, switch changes, the receiver's sentences, the indicator's frames. */
  private epoch(step: ResolvedStep, s: number, epoch: Epoch, offsetKg: number, moving: boolean): void {
    const within = (span: Span | undefined) => span !== undefined && s >= span[0] && s < span[1];
    const actions = this.takeActions();
    const gps: string[] = [];

    if (step.antenna?.atS === s) gps.push(step.antenna.sentence);
    const at = step.outlier?.atS === s ? step.outlier.at : epoch.at;
    if (!within(step.silent)) {
      const hdop = within(step.hdop?.span) ? step.hdop!.hdop : 0.9;
      gps.push(...this.sentences(this.startMs + this.second * 1000, at, epoch, !within(step.noFix), hdop));
    }
    let gpsBytes = this.damage(gps, step, within).map((line) => `${line}\r\n`).join("");

    let scaleBytes = "";
    const scale = this.scenario.scale;
    if (scale !== undefined) {
      const frames = scale.framesPerS ?? 2;
      const end = scale.crOnly === true ? "\r" : "\r\n";
      for (let f = 0; f < frames; f++) {
        const noise = (this.random() * 2 - 1) * (scale.noiseKg ?? 10);
        const shake = offsetKg === 0 ? 0 : offsetKg * (f % 2 === 0 ? 1 : 0.6);
        const stable = !moving && !within(step.unstable);
        scaleBytes += `${within(step.scaleError) ? "OL,GS,-000000 kg" : frame(this.weightKg + shake + noise, stable)}${end}`;
      }
    }

    if (step.garbage !== undefined && within(step.garbage.span)) {
      if (step.garbage.device === "gps") gpsBytes = this.garbageBytes(gpsBytes.length);
      else scaleBytes = this.garbageBytes(scaleBytes.length);
    }
    if (this.unplugged.has("gps")) gpsBytes = "";
    if (this.unplugged.has("scale")) scaleBytes = "";

    this.ticks.push({
      s: this.second,
      gps: gpsBytes,
      scale: scaleBytes,
      inputs: this.pendingInputs,
      actions,
      truth: {
        at: epoch.trueAt,
        lonLat: toLonLat(epoch.trueAt, this.resolved.origin),
        speedKmh: epoch.speedKmh,
        weightKg: scale === undefined ? null : this.weightKg,
        inputs: { ...this.inputState },
      },
    });
    this.pendingInputs = null;
    this.second++;
  }

  /** Checksums broken or lines cut where the step says so. */
  private damage(lines: string[], step: ResolvedStep, within: (span: Span | undefined) => boolean): string[] {
    if (within(step.badChecksum)) {
      return lines.map((line) => line.replace(/\*([0-9A-F]{2})$/, (_, hex: string) => `*${flipHex(hex)}`));
    }
    if (within(step.cutLines)) return lines.map((line) => line.slice(0, Math.floor(line.length / 2)));
    return lines;
  }

  /** What a reader set to the wrong baud rate makes of a device's bytes: noise, mostly high bytes. */
  private garbageBytes(length: number): string {
    let out = "";
    for (let i = 0; i < Math.max(length, 16); i++) out += String.fromCharCode(0x80 + Math.floor(this.faultRandom() * 0x80));
    return out;
  }

  private sentences(timeMs: number, at: Xy, epoch: Epoch, valid: boolean, hdop: number): string[] {
    const dateMs = this.scenario.receiver.weekRollover ? timeMs - WEEK_ROLLOVER_MS : timeMs;
    const iso = new Date(dateMs).toISOString();
    const hms = iso.slice(11, 19).replaceAll(":", "");
    const dmy = `${iso.slice(8, 10)}${iso.slice(5, 7)}${iso.slice(2, 4)}`;
    if (!valid) return [sign(`$GPRMC,${hms}.00,V,,,,,,,${dmy},,,N`), sign(`$GPGGA,${hms}.00,,,,,0,00,99.9,,,,,,`)];

    const [lon, lat] = toLonLat(at, this.resolved.origin);
    const knots = (epoch.speedKmh / 1.852).toFixed(3);
    const course = epoch.speedKmh < 1 ? "" : epoch.courseDeg.toFixed(1);
    const ns = lat < 0 ? "S" : "N";
    const ew = lon < 0 ? "W" : "E";
    const position = `${dm(Math.abs(lat), 2)},${ns},${dm(Math.abs(lon), 3)},${ew}`;
    return [
      sign(`$GPRMC,${hms}.00,A,${position},${knots},${course},${dmy},,,A`),
      sign(`$GPGGA,${hms}.00,${position},1,10,${hdop.toFixed(1)},12.0,M,8.0,M,,`),
    ];
  }

  /** Unplugs and broker outages of a step, placed on the scenario's seconds. */
  private scheduleRig(step: ResolvedStep): void {
    if (step.unplug !== undefined) {
      const { device, atS, forS, mode } = step.unplug;
      this.pendingActions.push({ atS: this.second + atS, action: { kind: "unplug", device, mode } });
      this.pendingActions.push({ atS: this.second + atS + Math.round(forS), action: { kind: "replug", device } });
    }
    if (step.brokerOutage !== undefined) {
      const { atS, forS } = step.brokerOutage;
      this.pendingActions.push({ atS: this.second + atS, action: { kind: "brokerDown" } });
      this.pendingActions.push({ atS: this.second + atS + Math.round(forS), action: { kind: "brokerUp" } });
    }
  }

  private takeActions(): RigAction[] {
    const due = this.pendingActions.filter((pending) => pending.atS <= this.second);
    this.pendingActions = this.pendingActions.filter((pending) => pending.atS > this.second);
    for (const { action } of due) {
      if (action.kind === "unplug") this.unplugged.add(action.device);
      if (action.kind === "replug") this.unplugged.delete(action.device);
    }
    return due.map((pending) => pending.action);
  }

  private setInputs(changes: Partial<Record<InputName, boolean>> | undefined): void {
    if (changes === undefined) return;
    const changed = Object.entries(changes).filter(([name, value]) => this.inputState[name as InputName] !== value);
    if (changed.length === 0) return;
    for (const [name, value] of changed) this.inputState[name as InputName] = value;
    this.pendingInputs = { ...this.pendingInputs, ...Object.fromEntries(changed) };
  }
}

interface Epoch {
  /** Where the receiver says the truck is (an outlier differs from the truth). */
  at: Xy;
  trueAt: Xy;
  speedKmh: number;
  courseDeg: number;
}

type StayLike = ResolvedStep & { stay: number; weightTo?: number; changeAtS?: number; changeS?: number; buckets?: number; bodyLift?: boolean; driftM?: number; wobbleKg?: number; weightDriftKg?: number };
type DriveLike = ResolvedStep & { drive: Xy[]; speedKmh: number | "limit"; limitOffsetKmh?: number; speedJitterKmh?: number; vibrationKg?: number; spillKg?: number; spillAtS?: number };

/** ASCII indicator frame of fixed width, so replay's even spread of scale bytes stays in step. */
function frame(kg: number, stable: boolean): string {
  const rounded = Math.max(0, Math.round(kg / 10) * 10);
  return `${stable ? "ST" : "US"},GS,+${String(rounded).padStart(6, "0")} kg`;
}

function sign(body: string): string {
  return withChecksum(body);
}

function flipHex(hex: string): string {
  const value = (Number.parseInt(hex, 16) ^ 0x5a) & 0xff;
  return value.toString(16).toUpperCase().padStart(2, "0");
}

function dm(value: number, degreeDigits: number): string {
  const degrees = Math.floor(value);
  const minutes = (value - degrees) * 60;
  return `${String(degrees).padStart(degreeDigits, "0")}${minutes.toFixed(5).padStart(8, "0")}`;
}

export function generateTimeline(scenario: Scenario, resolved: ResolvedScenario, options: GenerateOptions): Timeline {
  return new Generator(scenario, resolved, options).run();
}
