// The dictionaries OpenTPS ships: the CWM's own heartbeat, and two example kitchen models so that a fresh
// install (and the simulator) shows meaningful values. Operators add their makers' real models beside them.

import type { EquipmentModel } from './data-dictionary.js';

/**
 * The CWM's own heartbeat, field by field as PROTOCOL.md Part B section 5 ("CWM heartbeat", source [S8] "CWM
 * Messages") lists them. Its model id is a placeholder: a physical CWM's id prefix is not confirmed (Part B 1.4:
 * "`0002` as the prefix for a physical CWM: not confirmed"; the pull example uses `0000`), so the CWM's
 * heartbeat is to be recognised by role, the origin being the CWM itself (`_src` has one element), not by
 * prefix. `c000` collides with no id in PROTOCOL.md or the simulator.
 */
export const CWM_HEARTBEAT_MODEL: EquipmentModel = {
  modelId: 'c000',
  name: 'ConnectWare module heartbeat',
  maker: 'Powerhouse Dynamics',
  kind: 'connectware module',
  fields: [
    // Part B 5: "`ti` internal °C". Its resolution is not documented; kept as sent, shown to 0.1.
    { key: 'ti', label: 'Internal temperature', class: 'telemetry', type: 'number', unit: 'Cel', precision: 1 },
    // Part B 5 and 2: uint32 counters reset at boot, positions [0]..[3] as documented.
    {
      key: 'diag',
      label: 'Diagnostic counters (since boot)',
      class: 'event',
      type: 'json',
      unit: '1',
      itemLabels: ['OKM queue reads', 'reads without _crc', 'reads with invalid _crc', 'reads with invalid JSON'],
    },
    { key: 'cfgpend', label: 'Reboot needed for configuration', class: 'telemetry', type: 'boolean' },
    { key: 'scan', label: 'Scanning ports for an OKE', class: 'telemetry', type: 'boolean' },
    {
      key: 'port',
      label: 'OKE port',
      class: 'setting',
      type: 'enum',
      enumLabels: { non: 'none', ttl: 'TTL', '232': 'RS-232', '485': 'RS-485', usb: 'USB' },
    },
    { key: 'baud', label: 'OKE baud rate', class: 'setting', type: 'number', unit: 'Bd', precision: 0, min: 0, max: 4294967295 },
    { key: 'sidx', label: 'Port scan index', class: 'telemetry', type: 'number', unit: '1', precision: 0, min: 0 },
    { key: 'smax', label: 'Port scan total', class: 'telemetry', type: 'number', unit: '1', precision: 0, min: 0 },
    { key: 'txp', label: 'Transmit pending', class: 'telemetry', type: 'boolean' },
    // Part B 3.5 and 5: two versions of the vendor page name this array `msf` and `msp`; both are accepted.
    { key: 'msf', label: 'Queue capacities (OKMs)', class: 'nameplate', type: 'json', unit: '1', itemLabels: ['telemetry', 'priority', 'inbound'] },
    { key: 'msp', label: 'Queue capacities (OKMs)', class: 'nameplate', type: 'json', unit: '1', itemLabels: ['telemetry', 'priority', 'inbound'] },
    // Part B 5: "`rcon` hex PIC24 RCON at boot": a hex text, kept as sent.
    { key: 'rcon', label: 'Reset cause register (RCON) at boot', class: 'telemetry', type: 'string' },
    { key: '5v', label: '5 V supply', class: 'telemetry', type: 'number', unit: 'mV', precision: 0, min: 0 },
    { key: '12v', label: '12 V supply', class: 'telemetry', type: 'number', unit: 'mV', precision: 0, min: 0 },
    { key: 'if', label: 'Network interface', class: 'setting', type: 'enum', enumLabels: { wifi: 'Wi-Fi', eth: 'Ethernet' } },
    // Part B 5: the later page version's order; "the rest is cut off", so later positions show by index.
    {
      key: 'emac',
      label: 'Ethernet counters',
      class: 'telemetry',
      type: 'json',
      itemLabels: [
        'numInterrupts',
        'lastGetFrmTxOk',
        'sentPacketsE',
        'lastGetFrmRxOk',
        'recPacketsE',
        'lastGetFrmPktCount',
        'lastGetFrmRxOvflow',
        'lastGetFrmFcsError',
      ],
    },
  ],
};

/**
 * An EXAMPLE fryer, not a real product: its fields follow the fryer type of OPC 30200 (HKI), as
 * KITCHEN-MODELS.md summarises it: program mode, set and actual temperature in °C, set and remaining process
 * time in s, basket lifted. Temperatures are sent in tenths of a degree to show scaling. Model id `e0f1` is
 * made up and collides with no id in PROTOCOL.md or the simulator; a real maker's id comes from Powerhouse Dynamics.
 */
export const EXAMPLE_FRYER_MODEL: EquipmentModel = {
  modelId: 'e0f1',
  name: 'Example open fryer (OPC 30200 fryer type)',
  maker: 'OpenTPS example',
  kind: 'fryer',
  fields: [
    { key: 'serial_no', label: 'Serial number', class: 'nameplate', type: 'string' },
    { key: 'vat_volume', label: 'Oil capacity', class: 'nameplate', type: 'number', unit: 'L', precision: 1, min: 0 },
    {
      key: 'program_mode',
      label: 'Program mode',
      class: 'telemetry',
      type: 'enum',
      enumLabels: { '0': 'off', '1': 'melt', '2': 'heating', '3': 'ready', '4': 'cooking', '5': 'filtering', '6': 'idle' },
    },
    { key: 'set_temp', label: 'Set oil temperature', class: 'setting', type: 'number', unit: 'Cel', scale: 0.1, precision: 1, min: 0, max: 205 },
    { key: 'oil_temp', label: 'Oil temperature', class: 'telemetry', type: 'number', unit: 'Cel', scale: 0.1, precision: 1, min: -20, max: 260, haccp: true },
    { key: 'set_time', label: 'Set process time', class: 'setting', type: 'number', unit: 's', precision: 0, min: 0, max: 7200 },
    { key: 'remaining_time', label: 'Remaining process time', class: 'telemetry', type: 'number', unit: 's', precision: 0, min: 0, max: 7200 },
    { key: 'basket_lifted', label: 'Basket lifted', class: 'telemetry', type: 'boolean' },
    { key: 'alarms', label: 'Alarms', class: 'telemetry', type: 'bitmask', bitLabels: { '0': 'high limit tripped', '1': 'probe failure', '2': 'ignition failure', '3': 'low oil level' } },
    // Events are sent as counts, not status bits (PROTOCOL.md Part B 6).
    { key: 'cook_cycles', label: 'Cook cycles', class: 'event', type: 'number', unit: '1', precision: 0, min: 0 },
  ],
};

/**
 * An EXAMPLE combi oven (combi steamer), not a real product: fields after OPC 30200's combi-steamer type as
 * KITCHEN-MODELS.md summarises it (program mode, set and actual cabinet and core temperature in °C, set and
 * remaining process time in s); the core temperature is the HACCP value. Model id `e0c1` is made up and
 * collides with no id in PROTOCOL.md or the simulator.
 */
export const EXAMPLE_COMBI_OVEN_MODEL: EquipmentModel = {
  modelId: 'e0c1',
  name: 'Example combi oven (OPC 30200 combi steamer type)',
  maker: 'OpenTPS example',
  kind: 'combi oven',
  fields: [
    { key: 'serial_no', label: 'Serial number', class: 'nameplate', type: 'string' },
    {
      key: 'program_mode',
      label: 'Program mode',
      class: 'telemetry',
      type: 'enum',
      enumLabels: { '0': 'off', '1': 'steam', '2': 'convection', '3': 'combi', '4': 'regenerate', '5': 'cleaning', '6': 'cool down' },
    },
    { key: 'set_temp', label: 'Set cabinet temperature', class: 'setting', type: 'number', unit: 'Cel', precision: 0, min: 30, max: 300 },
    { key: 'cabinet_temp', label: 'Cabinet temperature', class: 'telemetry', type: 'number', unit: 'Cel', precision: 0, min: -20, max: 320 },
    { key: 'set_core_temp', label: 'Set core temperature', class: 'setting', type: 'number', unit: 'Cel', scale: 0.1, precision: 1, min: 0, max: 99 },
    { key: 'core_temp', label: 'Core temperature', class: 'telemetry', type: 'number', unit: 'Cel', scale: 0.1, precision: 1, min: -20, max: 120, haccp: true },
    { key: 'humidity', label: 'Cabinet humidity', class: 'telemetry', type: 'number', unit: '%', precision: 0, min: 0, max: 100 },
    { key: 'set_time', label: 'Set process time', class: 'setting', type: 'number', unit: 's', precision: 0, min: 0, max: 86400 },
    { key: 'remaining_time', label: 'Remaining process time', class: 'telemetry', type: 'number', unit: 's', precision: 0, min: 0, max: 86400 },
    { key: 'door_open', label: 'Door open', class: 'telemetry', type: 'boolean' },
    { key: 'energy', label: 'Energy used', class: 'telemetry', type: 'number', unit: 'kW.h', scale: 0.01, precision: 2, min: 0 },
  ],
};

/** Every built-in model: the CWM heartbeat first, then the examples. */
export const BUILTIN_MODELS: readonly EquipmentModel[] = [CWM_HEARTBEAT_MODEL, EXAMPLE_FRYER_MODEL, EXAMPLE_COMBI_OVEN_MODEL];
