/** Uplink options for tests: short reconnect delays, defaults otherwise. */
import type { UplinkOptions } from "../../agent/uplink.js";

export function uplinkOptions(url: string, overrides: Partial<UplinkOptions> = {}): UplinkOptions {
  return {
    url,
    protocolVersion: 4,
    truckId: "TRK-T1",
    topicPrefix: "muck",
    keepaliveS: 240,
    connectTimeoutS: 5,
    reconnectMinMs: 50,
    reconnectMaxMs: 200,
    busyBackoffMs: 1000,
    sessionExpiryS: 3600,
    willDelayS: 0,
    maxInFlight: 16,
    pubackTimeoutS: 30,
    ...overrides,
  };
}
