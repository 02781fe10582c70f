/**
 * Every scale frame format the agent reads, by the name the config uses (`scale.protocol`).
 * Adding a format is adding a codec file and a line here; nothing registers itself.
 */
import { ascii } from "./ascii.js";
import type { ScaleCodec } from "./codec.js";
import { sics } from "./sics.js";
import { toledo } from "./toledo.js";

export const SCALE_CODECS = { ascii, sics, toledo } as const satisfies Record<string, ScaleCodec>;

export type ScaleProtocol = keyof typeof SCALE_CODECS;

export const SCALE_PROTOCOLS = Object.keys(SCALE_CODECS) as ScaleProtocol[];
