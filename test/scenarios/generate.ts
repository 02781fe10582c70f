/**
 * Scenario streams from a scenario's `scenario.json`: the NMEA a receiver would send (RMC + GGA
 * each second), the frames of an ASCII load-cell indicator, the timestamped input changes and
 * the zone file — deterministic for a given file (seeded noise), so a scenario replays the same
 * everywhere. The test loop generates into a temporary folder; to look at a scenario by hand:
 *
 *   npx tsx test/scenarios/generate.ts clean-trip     # writes the streams into its folder
 *   muck-agent replay --gps test/scenarios/clean-trip/gps.nmea --scale …/scale.txt \
 *     --inputs …/inputs.ndjson --zones …/zones.geojson --config …/config.json --print events
 *
 * A scenario is a list of steps, each one or more seconds: `stay` (parked; loads, unloads, drift,
 * a wobbling load at a light) or `drive` (along places at a speed; vibration, spills). Either may
 * add receiver faults (no fix, silence, an antenna report, one outlier) and input changes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sign } from "../gps/nmea-helpers.js";
import { seededRandom } from "../../simulator/prng.js";
import { PLACES, toLonLat, zoneFile, type Xy } from "./world.js";

type Place = string | Xy;
type Span = [fromS: number, toS: number];

interface StepFaults {
  /** Seconds into the step (from inclusive, to exclusive) with an invalid fix. */
  noFix?: Span;
  /** Seconds into the step with no sentence at all. */
  silent?: Span;
  /** An antenna report before the epoch `atS` into the step. */
  antenna?: { atS: number; sentence: string };
  /** One valid-flagged fix at a wrong place, `atS` into the step. */
  outlier?: { atS: number; at: Xy };
  /** Seconds into the step when the scale reports an error. */
  scaleError?: Span;
  /** Input changes at the step's start. */
  inputs?: Record<string, boolean>;
}

interface StayStep extends StepFaults {
  stay: number;
  at?: Place;
  /** Weight at the end of a load or unload that begins `changeAtS` into the stay and lasts `changeS`. */
  weightTo?: number;
  changeAtS?: number;
  changeS?: number;
  /** Load in this many equal buckets instead of a ramp. */
  buckets?: number;
  /** Raise the body during the change. */
  bodyLift?: boolean;
  /** GPS drift: the fixes wander this far around the spot. */
  driftM?: number;
  /** The load shifts under braking: unstable readings this far off for the first seconds. */
  wobbleKg?: number;
  /** The reading creeps by this much over the whole stay (temperature). */
  weightDriftKg?: number;
}

interface DriveStep extends StepFaults {
  drive: Place[];
  speedKmh: number;
  /** Speed varies by up to this each second, around speedKmh. */
  speedJitterKmh?: number;
  /** Rough road: readings shake by up to this either way. */
  vibrationKg?: number;
  /** Load lost over 30 s from `spillAtS` into the drive. */
  spillKg?: number;
  spillAtS?: number;
}

type Step = StayStep | DriveStep;

export interface ScenarioSpec {
  description: string;
  start: string;
  seed?: number;
  zones: string[];
  zoneOverrides?: Record<string, Record<string, unknown>>;
  /** Without it there is no scale stream. */
  scale?: { startKg: number; framesPerS?: number; noiseKg?: number };
  /** Inputs fitted and their state at the start; without it there is no inputs stream. */
  inputs?: Record<string, boolean>;
  steps: Step[];
}

export interface ScenarioStreams {
  gps: string;
  scale: string | null;
  inputs: string | null;
  zones: GeoJSON.FeatureCollection;
}

interface Epoch {
  second: number;
  at: Xy;
  speedKmh: number;
  courseDeg: number;
}

class Generator {
  private readonly random: () => number;
  private readonly startMs: number;
  private readonly gps: string[] = [];
  private readonly scale: string[] = [];
  private readonly inputs: string[] = [];
  private readonly inputState: Record<string, boolean>;
  private second = 0;
  private at: Xy;
  private weightKg: number;

  constructor(private readonly spec: ScenarioSpec) {
    this.random = seededRandom(spec.seed ?? 1);
    this.startMs = Date.parse(spec.start);
    this.at = PLACES.siteA!;
    this.weightKg = spec.scale?.startKg ?? 0;
    this.inputState = { ...spec.inputs };
    if (spec.inputs !== undefined) this.inputs.push(JSON.stringify({ t: this.iso(0), ...spec.inputs }));
  }

  run(): ScenarioStreams {
    const first = this.spec.steps[0];
    if (first !== undefined && "stay" in first && first.at !== undefined) this.at = place(first.at);
    if (first !== undefined && "drive" in first) this.at = place(first.drive[0]!);
    for (const step of this.spec.steps) {
      if ("stay" in step) this.stay(step);
      else this.drive(step);
    }
    return {
      gps: this.gps.join("\r\n") + "\r\n",
      scale: this.spec.scale === undefined ? null : this.scale.join("\r\n") + "\r\n",
      inputs: this.spec.inputs === undefined ? null : this.inputs.join("\n") + "\n",
      zones: zoneFile(this.spec.zones, this.spec.zoneOverrides),
    };
  }

  private stay(step: StayStep): void {
    if (step.at !== undefined) this.at = place(step.at);
    const spot = this.at;
    const fromKg = this.weightKg;
    const changeAtS = step.changeAtS ?? 30;
    const changeS = step.changeS ?? 60;
    const phase = [this.random() * 6.28, this.random() * 6.28];
    this.setInputs(step.inputs);

    for (let s = 0; s < step.stay; s++) {
      const drift = step.driftM ?? 0;
      const at: Xy = [
        spot[0] + drift * Math.sin(s / 23 + phase[0]!),
        spot[1] + drift * Math.cos(s / 31 + phase[1]!),
      ];
      const speedKmh = drift > 0 ? this.random() * 1.5 : 0;
      let changing = false;

      if (step.weightTo !== undefined) {
        const progress = Math.min(1, Math.max(0, (s - changeAtS) / changeS));
        const stepped =
          step.buckets === undefined ? progress : Math.ceil(progress * step.buckets) / step.buckets;
        this.weightKg = fromKg + (step.weightTo - fromKg) * stepped;
        changing = s >= changeAtS && s < changeAtS + changeS;
        if (step.bodyLift === true)
          this.setInputs({ bodyLift: s >= changeAtS - 5 && s < changeAtS + changeS + 5 });
      }
      if (step.weightDriftKg !== undefined) this.weightKg = fromKg + (step.weightDriftKg * s) / step.stay;

      const wobble = step.wobbleKg !== undefined && s < 8 ? step.wobbleKg * Math.sin(s * 1.9) : 0;
      this.epoch(
        step,
        s,
        { second: this.second, at, speedKmh, courseDeg: 0 },
        wobble,
        changing || wobble !== 0,
      );
    }
  }

  private drive(step: DriveStep): void {
    const path = [this.at, ...step.drive.map(place)];
    let leg = 1;
    let s = 0;
    const fromKg = this.weightKg;
    this.setInputs(step.inputs);

    while (leg < path.length) {
      const jitter = step.speedJitterKmh ?? 0;
      const speedKmh = Math.max(0, step.speedKmh + (this.random() * 2 - 1) * jitter);
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
          this.at = [
            from[0] + ((to[0] - from[0]) * leftM) / legM,
            from[1] + ((to[1] - from[1]) * leftM) / legM,
          ];
          leftM = 0;
        }
      }

      if (step.spillKg !== undefined) {
        const spillAtS = step.spillAtS ?? 60;
        this.weightKg = fromKg - step.spillKg * Math.min(1, Math.max(0, (s - spillAtS) / 30));
      }
      const shake = step.vibrationKg === undefined ? 0 : (this.random() * 2 - 1) * step.vibrationKg;
      this.epoch(
        step,
        s,
        { second: this.second, at: this.at, speedKmh, courseDeg: (courseDeg + 360) % 360 },
        shake,
        true,
      );
      s++;
    }
  }

  /** One second: the receiver's sentences, the indicator's frames. */
  private epoch(step: StepFaults, s: number, epoch: Epoch, offsetKg: number, moving: boolean): void {
    const within = (span: Span | undefined) => span !== undefined && s >= span[0] && s < span[1];
    if (step.antenna?.atS === s) this.gps.push(step.antenna.sentence);
    const at = step.outlier?.atS === s ? step.outlier.at : epoch.at;
    if (!within(step.silent))
      this.gps.push(...sentences(this.startMs + epoch.second * 1000, at, epoch, !within(step.noFix)));

    const scale = this.spec.scale;
    if (scale !== undefined) {
      const frames = scale.framesPerS ?? 2;
      for (let f = 0; f < frames; f++) {
        const noise = (this.random() * 2 - 1) * (scale.noiseKg ?? 10);
        const shake = offsetKg === 0 ? 0 : offsetKg * (f % 2 === 0 ? 1 : 0.6);
        this.scale.push(
          within(step.scaleError) ? "OL,GS,-000000 kg" : frame(this.weightKg + shake + noise, !moving),
        );
      }
    }
    this.second++;
  }

  private setInputs(changes: Record<string, boolean> | undefined): void {
    if (changes === undefined) return;
    const changed = Object.entries(changes).filter(([name, value]) => this.inputState[name] !== value);
    if (changed.length === 0) return;
    for (const [name, value] of changed) this.inputState[name] = value;
    this.inputs.push(JSON.stringify({ t: this.iso(this.second), ...Object.fromEntries(changed) }));
  }

  private iso(second: number): string {
    return new Date(this.startMs + second * 1000).toISOString();
  }
}

function place(p: Place): Xy {
  if (typeof p !== "string") return p;
  const found = PLACES[p];
  if (found === undefined) throw new Error(`no place ${p} in the scenario world`);
  return found;
}

/** ASCII indicator frame of fixed width, so replay's even spread of scale bytes stays in step. */
function frame(kg: number, stable: boolean): string {
  const rounded = Math.max(0, Math.round(kg / 10) * 10);
  return `${stable ? "ST" : "US"},GS,+${String(rounded).padStart(6, "0")} kg`;
}

function sentences(timeMs: number, at: Xy, epoch: Epoch, valid: boolean): string[] {
  const date = new Date(timeMs);
  const hms = date.toISOString().slice(11, 19).replaceAll(":", "");
  const dmy = `${date.toISOString().slice(8, 10)}${date.toISOString().slice(5, 7)}${date.toISOString().slice(2, 4)}`;
  if (!valid)
    return [sign(`$GPRMC,${hms}.00,V,,,,,,,${dmy},,,N`), sign(`$GPGGA,${hms}.00,,,,,0,00,99.9,,,,,,`)];

  const [lon, lat] = toLonLat(at);
  const knots = (epoch.speedKmh / 1.852).toFixed(3);
  const course = epoch.speedKmh < 1 ? "" : epoch.courseDeg.toFixed(1);
  return [
    sign(`$GPRMC,${hms}.00,A,${dm(lat, 2)},N,${dm(lon, 3)},E,${knots},${course},${dmy},,,A`),
    sign(`$GPGGA,${hms}.00,${dm(lat, 2)},N,${dm(lon, 3)},E,1,10,0.9,12.0,M,8.0,M,,`),
  ];
}

function dm(value: number, degreeDigits: number): string {
  const degrees = Math.floor(value);
  const minutes = (value - degrees) * 60;
  return `${String(degrees).padStart(degreeDigits, "0")}${minutes.toFixed(5).padStart(8, "0")}`;
}

export function readScenario(dir: string): ScenarioSpec {
  return JSON.parse(readFileSync(join(dir, "scenario.json"), "utf8")) as ScenarioSpec;
}

export function generateScenario(spec: ScenarioSpec): ScenarioStreams {
  return new Generator(spec).run();
}

/** Writes the streams beside the scenario's config; returns the paths replay takes. */
export function writeStreams(
  spec: ScenarioSpec,
  outDir: string,
): { gps: string; scale?: string; inputs?: string; zones: string } {
  const streams = generateScenario(spec);
  const files = { gps: join(outDir, "gps.nmea"), zones: join(outDir, "zones.geojson") };
  writeFileSync(files.gps, streams.gps);
  writeFileSync(files.zones, JSON.stringify(streams.zones, null, 1));
  const scale = streams.scale === null ? {} : { scale: join(outDir, "scale.txt") };
  if (streams.scale !== null) writeFileSync(scale.scale!, streams.scale);
  const inputs = streams.inputs === null ? {} : { inputs: join(outDir, "inputs.ndjson") };
  if (streams.inputs !== null) writeFileSync(inputs.inputs!, streams.inputs);
  return { ...files, ...scale, ...inputs };
}

// `npx tsx test/scenarios/generate.ts <name> …`: write the streams into the scenario folders.
if (process.argv[1]?.endsWith("generate.ts")) {
  for (const name of process.argv.slice(2)) {
    const dir = join(import.meta.dirname, name);
    writeStreams(readScenario(dir), dir);
    process.stdout.write(`${dir}\n`);
  }
}
