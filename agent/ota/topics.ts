/** Where bundles arrive and acks go (see the README, "Over the air"). */
import type { AgentConfig } from "../../config/schema.js";

export interface ConfigTopics {
  /** This truck's bundles: `<prefix>/<truckId>/config`. */
  truck: string;
  /** The fleet's bundles: `<prefix>/<fleetTopic>/config`. */
  fleet: string;
  /** This truck's acks: `<prefix>/<truckId>/config/ack`, retained. */
  ack: string;
}

export function configTopics(config: Pick<AgentConfig, "truckId" | "mqtt" | "ota">): ConfigTopics {
  const prefix = config.mqtt.topicPrefix;
  return {
    truck: truckConfigTopic(prefix, config.truckId),
    fleet: `${prefix}/${config.ota.fleetTopic}/config`,
    ack: `${truckConfigTopic(prefix, config.truckId)}/ack`,
  };
}

export function truckConfigTopic(prefix: string, truckId: string): string {
  return `${prefix}/${truckId}/config`;
}
