/**
 * The one shape of every simulator player (capture, drive, scale): it starts writing to a
 * virtual device when made, `done` settles when it has nothing more to play, and `stop()` ends it
 * early and resolves once no further write will happen.
 */
import { logger } from "../agent/log.js";

export interface Player {
  /** Resolves when playback ended: the input ran out (without loop) or stop() was called. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

const log = logger("sim");

/**
 * Runs `play` until it returns or the signal it gets aborts. A failed playback is logged and
 * ends the player, rather than surfacing as an unhandled rejection in a long-running demo.
 */
export function startPlayer(name: string, play: (signal: AbortSignal) => Promise<void>): Player {
  const abort = new AbortController();

  const done = play(abort.signal).catch((error: unknown) => {
    log.error({ player: name, err: (error as Error).message }, "player failed");
  });

  return {
    done,
    async stop() {
      abort.abort();
      await done;
    },
  };
}
