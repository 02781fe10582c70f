/**
 * The systemd unit. Least privilege by default: its own unprivileged user, read-only system,
 * no home, private /tmp, no capabilities, and only serial and GPIO character devices besides the
 * standard pseudo-devices. Each line that is not obvious says why it is there or why a common
 * hardening option is absent.
 */
export interface UnitOptions {
  user: string;
  node: string;
  appDir: string;
  configFile: string;
  serialGroup: string;
}

export function serviceUnit(o: UnitOptions): string {
  return `[Unit]
Description=muck-agent: truck telemetry (GPS, load cell), stored and forwarded over MQTT
Documentation=file:${o.appDir}/README.md
Wants=network-online.target
After=network-online.target
# At most 5 starts in 10 minutes: a config error is not retried forever. After that the unit stays
# failed until \`systemctl reset-failed muck-agent\` or the next boot.
StartLimitIntervalSec=600
StartLimitBurst=5

[Service]
Type=simple
ExecStart=${o.node} ${o.appDir}/build/agent/cli/main.js run --config ${o.configFile}
User=${o.user}
Group=${o.user}
SupplementaryGroups=${o.serialGroup}
# The agent retries devices and the broker by itself; it exits only when it cannot run at all.
Restart=on-failure
RestartSec=10s
# SIGTERM: inputs stop, the outbox flushes and syncs, the offline status goes out (the agent gives
# each step a bounded grace); a kill after this is no loss, the outbox is synced as it goes.
TimeoutStopSec=30s
StateDirectory=muck-agent
StateDirectoryMode=0750
WorkingDirectory=/var/lib/muck-agent
UMask=0027
Environment=NODE_ENV=production

NoNewPrivileges=yes
CapabilityBoundingSet=
AmbientCapabilities=
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
ProcSubset=pid
PrivateMounts=yes
RemoveIPC=yes
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
# Serial ports (USB adapters, on-board UARTs) and GPIO lines; PrivateDevices= would hide them all.
DevicePolicy=closed
DeviceAllow=char-ttyUSB rw
DeviceAllow=char-ttyACM rw
DeviceAllow=char-ttyS rw
DeviceAllow=char-ttyAMA rw
DeviceAllow=char-gpiochip rw
# Not set: MemoryDenyWriteExecute= (V8's JIT writes executable code), PrivateUsers= (the dialout
# group of the device nodes would not map into the user namespace).

[Install]
WantedBy=multi-user.target
`;
}

/** The command line of ExecStart, split as systemd would split this unit's (no quoting used). */
export function execStart(unit: string): string[] {
  const line = unit.split("\n").find((l) => l.startsWith("ExecStart="));
  if (line === undefined) throw new Error("unit has no ExecStart=");
  return line.slice("ExecStart=".length).trim().split(/\s+/);
}
