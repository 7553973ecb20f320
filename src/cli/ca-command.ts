// `opentps ca init|server-cert|client-cert|list|revoke|export`: the private CA of the custom-endpoint kit.

import { writeExportDirectory } from '../adapters/tls/export-directory.js';
import { loadConfig } from '../config/load-config.js';
import { KEY_ALGORITHMS, type IssuedCertificate, type KeyAlgorithm } from '../domain/ca-records.js';
import { createSystemClock } from '../domain/clock.js';
import { buildCwmExport } from '../domain/cwm-export.js';
import { OpenTpsError } from '../errors.js';
import { openCertificateAuthority } from '../main.js';
import type { CliIo } from './cli-io.js';
import { configFlags, parseCommandArgs, type OptionSpec } from './command-args.js';
import { formatTable, formatTime } from './text-table.js';

const SUBCOMMANDS = ['init', 'server-cert', 'client-cert', 'list', 'revoke', 'export'] as const;

export async function runCaCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'init': return initCa(rest, io);
    case 'server-cert': return issueServerCert(rest, io);
    case 'client-cert': return issueClientCert(rest, io);
    case 'list': return listCertificates(rest, io);
    case 'revoke': return revokeCertificate(rest, io);
    case 'export': return exportFiles(rest, io);
    default: throw new OpenTpsError('ERR_CLI_USAGE', `ca takes ${SUBCOMMANDS.join(', ')}; got ${JSON.stringify(sub ?? '')}`);
  }
}

function openCa(values: Record<string, string | boolean | undefined>, options: OptionSpec, io: CliIo) {
  const config = loadConfig(configFlags(values, options), io.env);
  return { ca: openCertificateAuthority(config.dataDir, createSystemClock()), dataDir: config.dataDir };
}

async function initCa(args: readonly string[], io: CliIo): Promise<number> {
  const options: OptionSpec = { name: { type: 'string' }, algorithm: { type: 'string' } };
  const { values } = parseCommandArgs(args, options, { min: 0, max: 0 });
  const algorithm = values['algorithm'];
  if (algorithm !== undefined && !(KEY_ALGORITHMS as readonly unknown[]).includes(algorithm)) {
    throw new OpenTpsError('ERR_CLI_USAGE', `--algorithm takes ${KEY_ALGORITHMS.join(' or ')}`);
  }
  const { ca, dataDir } = openCa(values, options, io);
  const root = await ca.init({ name: typeof values['name'] === 'string' ? values['name'] : undefined, algorithm: algorithm as KeyAlgorithm | undefined });
  io.out(`created the CA "${root.name}" (${root.algorithm}, valid until ${new Date(root.notAfterMs).toISOString().slice(0, 10)}) in ${dataDir}/ca/`);
  io.out(`root fingerprint (SHA-256): ${root.sha256Fingerprint}`);
  io.err('next: opentps ca server-cert <the DNS name or IP the CWMs use>, then opentps ca client-cert <label>');
  return 0;
}

async function issueServerCert(args: readonly string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseCommandArgs(args, {}, { min: 1, max: 20 });
  const { ca } = openCa(values, {}, io);
  const issued = await ca.issueServerCertificate(positionals);
  io.out(`issued server certificate ${issued.serial} for ${issued.names.join(', ')} (valid until ${new Date(issued.notAfterMs).toISOString().slice(0, 10)})`);
  io.err('`opentps serve` uses it from now on (a running server switches to it within a second), unless --cert/--key are given');
  return 0;
}

async function issueClientCert(args: readonly string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseCommandArgs(args, {}, { min: 1, max: 1 });
  const { ca } = openCa(values, {}, io);
  const issued = await ca.issueClientCertificate(positionals[0] ?? '');
  io.out(`issued client certificate ${issued.certificate.serial} "${issued.certificate.label}" (valid until ${new Date(issued.certificate.notAfterMs).toISOString().slice(0, 10)})`);
  io.err('write every file the CWM needs with: opentps ca export --dir <folder>');
  return 0;
}

function stateOf(certificate: IssuedCertificate, nowMs: number): string {
  if (certificate.revokedAtMs !== null) return `revoked ${formatTime(certificate.revokedAtMs)}`;
  return certificate.notAfterMs <= nowMs ? 'expired' : 'valid';
}

async function listCertificates(args: readonly string[], io: CliIo): Promise<number> {
  const options: OptionSpec = { json: { type: 'boolean' } };
  const { values } = parseCommandArgs(args, options, { min: 0, max: 0 });
  const { ca } = openCa(values, options, io);
  const status = ca.status();
  const issued = ca.list();
  if (values['json'] === true) {
    io.out(JSON.stringify({ root: status.root, serverSerial: status.serverCertificate?.serial ?? null, certificates: issued }));
    return 0;
  }
  const nowMs = Date.now();
  io.out(`CA "${status.root?.name ?? ''}" (${status.root?.algorithm ?? ''}), root ${status.root?.serial ?? ''}, valid until ${formatTime(status.root?.notAfterMs ?? null)}`);
  io.out(
    formatTable(
      ['SERIAL', 'KIND', 'LABEL', 'NAMES', 'NOT AFTER', 'STATE'],
      issued.map((c) => [
        c.serial, c.kind + (c.serial === status.serverCertificate?.serial ? ' (in use)' : ''), c.label, c.names.join(',') || '-',
        formatTime(c.notAfterMs), stateOf(c, nowMs),
      ]),
    ),
  );
  return 0;
}

async function revokeCertificate(args: readonly string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseCommandArgs(args, {}, { min: 1, max: 1 });
  const { ca } = openCa(values, {}, io);
  const revoked = ca.revoke(positionals[0] ?? '');
  io.out(`revoked ${revoked.kind} certificate ${revoked.serial} "${revoked.label}"; a running server refuses it from its next request`);
  return 0;
}

async function exportFiles(args: readonly string[], io: CliIo): Promise<number> {
  const options: OptionSpec = { dir: { type: 'string' }, label: { type: 'string' } };
  const { values } = parseCommandArgs(args, options, { min: 0, max: 0 });
  const dir = values['dir'];
  if (typeof dir !== 'string' || dir === '') throw new OpenTpsError('ERR_CLI_USAGE', 'ca export needs --dir <folder>');
  const { ca } = openCa(values, options, io);
  const files = buildCwmExport(ca, typeof values['label'] === 'string' ? values['label'] : undefined);
  writeExportDirectory(dir, files);
  io.out(formatTable(['FILE', 'BYTES', 'GOES INTO'], files.map((f) => [f.name, String(f.bytes), f.slot])));
  io.err(`wrote ${files.length} files to ${dir}; every PEM is under 4096 bytes. Follow ${dir}/README.txt`);
  return 0;
}
