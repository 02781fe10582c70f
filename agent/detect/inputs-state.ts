/**
 * The truck's digital inputs as the detectors read them; absent means not fitted (or not yet
 * reported). `bodyLift` true: the tipper body is raised. `cover` true: the load cover is closed.
 * `ignition` true: the engine is on.
 */
export interface InputsState {
  bodyLift?: boolean;
  cover?: boolean;
  ignition?: boolean;
}

export const INPUT_NAMES = ["bodyLift", "cover", "ignition"] as const;
