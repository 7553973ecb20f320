// Talks to the admin REST API: adds the CSRF header to writes, parses answers, and reports a lost session.
import {
  parseCreatedDevice,
  parseDeviceDetail,
  parseDevicePage,
  parseFleetSummary,
  parseMessage,
  parseMessageList,
  parseOriginFields,
  parseSession,
  parseTelemetrySeries,
  parseTrafficList,
} from './api-parsers.js';
import type {
  CreatedDevice,
  DeviceDetail,
  DevicePage,
  DeviceStatus,
  FleetSummary,
  Message,
  NewMessage,
  OriginFields,
  Session,
  TelemetrySeries,
  TrafficEntry,
} from './api-model.js';
import { isJsonObject } from './json-reader.js';
import { parseCaStatus, parseCertificate, parseExportFiles, type CaStatus, type Certificate, type ExportFileInfo } from './setup/setup-model.js';
import { parseFileList, parseStoredFile, parseTransferList, type FileList, type StoredFile, type TransferProgress } from './files/file-model.js';
import { parseNodeHealth, type NodeHealth } from './health/health-model.js';

const API_BASE = '/api/v1';

/** A refused request: the server's error code and message (docs/errors.md), or a network failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterS: number | null;

  constructor(status: number, code: string, message: string, retryAfterS: number | null = null, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfterS = retryAfterS;
  }
}

export type DeviceSortKey = 'id' | 'name' | 'lastSeen' | 'queued' | 'crcFailures';
export type SortOrder = 'asc' | 'desc';

export interface DeviceQuery {
  readonly search: string;
  readonly status: DeviceStatus | null;
  readonly sort: DeviceSortKey;
  readonly order: SortOrder;
  readonly limit: number;
  readonly offset: number;
}

export interface TelemetryQuery {
  readonly deviceId: string;
  readonly origin: string;
  readonly field: string;
  readonly from: Date;
  readonly to: Date;
  readonly points: number;
}

export interface ApiClientOptions {
  /** Called once for every 401 outside the login call, so the app can show the login page. */
  readonly onUnauthorized: () => void;
}

type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const WRITE_METHODS: ReadonlySet<HttpMethod> = new Set(['POST', 'PATCH', 'DELETE']);

/**
 * The one place the console calls the API.
 * @example
 * const api = new ApiClient({ onUnauthorized: () => router.go('/login') });
 * const fleet = await api.getFleet();
 */
export class ApiClient {
  private readonly options: ApiClientOptions;
  /** Kept in memory only: a reload asks GET /session again rather than trusting storage. */
  private csrfToken: string | null = null;

  constructor(options: ApiClientOptions) {
    this.options = options;
  }

  async login(name: string, password: string): Promise<Session> {
    const session = parseSession(await this.request('POST', '/session', { name, password }, { isLoginCall: true }));
    this.csrfToken = session.csrfToken;
    return session;
  }

  /** The current session, or null when the cookie is missing or expired. */
  async resumeSession(): Promise<Session | null> {
    try {
      const session = parseSession(await this.request('GET', '/session', undefined, { isLoginCall: true }));
      this.csrfToken = session.csrfToken;
      return session;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  }

  async logout(): Promise<void> {
    try {
      await this.request('DELETE', '/session', undefined, { isLoginCall: true });
    } finally {
      this.csrfToken = null;
    }
  }

  async getFleet(): Promise<FleetSummary> {
    return parseFleetSummary(await this.request('GET', '/fleet'));
  }

  /** Whether this node can store, and free disk space (GET /api/v1/health). */
  async getHealth(): Promise<NodeHealth> {
    return parseNodeHealth(await this.request('GET', '/health'));
  }

  async listDevices(query: DeviceQuery): Promise<DevicePage> {
    const params = new URLSearchParams({
      search: query.search,
      sort: query.sort,
      order: query.order,
      limit: String(query.limit),
      offset: String(query.offset),
    });
    if (query.status !== null) params.set('status', query.status);
    return parseDevicePage(await this.request('GET', `/devices?${params.toString()}`));
  }

  async addDevice(id: string, name: string, key: string): Promise<CreatedDevice> {
    const body: Record<string, string> = { id };
    if (name !== '') body['name'] = name;
    if (key !== '') body['key'] = key;
    return parseCreatedDevice(await this.request('POST', '/devices', body));
  }

  async getDevice(deviceId: string): Promise<DeviceDetail> {
    return parseDeviceDetail(await this.request('GET', `/devices/${encodeURIComponent(deviceId)}`));
  }

  async getFields(deviceId: string): Promise<OriginFields[]> {
    return parseOriginFields(await this.request('GET', `/devices/${encodeURIComponent(deviceId)}/fields`));
  }

  async getTelemetry(query: TelemetryQuery): Promise<TelemetrySeries> {
    const params = new URLSearchParams({
      origin: query.origin,
      field: query.field,
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      points: String(query.points),
    });
    return parseTelemetrySeries(
      await this.request('GET', `/devices/${encodeURIComponent(query.deviceId)}/telemetry?${params.toString()}`),
    );
  }

  /** A same-origin link to the raw OKM export; the session cookie authorizes the download. */
  okmExportUrl(deviceId: string, from: Date, to: Date, format: 'csv' | 'ndjson'): string {
    const params = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), format });
    return `${API_BASE}/devices/${encodeURIComponent(deviceId)}/okms?${params.toString()}`;
  }

  async listMessages(deviceId: string): Promise<Message[]> {
    return parseMessageList(await this.request('GET', `/devices/${encodeURIComponent(deviceId)}/messages`));
  }

  async sendMessage(deviceId: string, message: NewMessage): Promise<Message> {
    return parseMessage(await this.request('POST', `/devices/${encodeURIComponent(deviceId)}/messages`, message));
  }

  async cancelMessage(messageId: string): Promise<Message> {
    return parseMessage(await this.request('DELETE', `/messages/${encodeURIComponent(messageId)}`));
  }

  async listTraffic(deviceId: string, limit: number): Promise<TrafficEntry[]> {
    const params = new URLSearchParams({ device: deviceId, limit: String(limit) });
    return parseTrafficList(await this.request('GET', `/traffic?${params.toString()}`));
  }

  /** Every device's recent requests together (the setup page's "waiting for the first request" panel). */
  async listRecentTraffic(limit: number): Promise<TrafficEntry[]> {
    return parseTrafficList(await this.request('GET', `/traffic?limit=${limit}`));
  }

  // The custom-endpoint kit: certificate authority and CWM files (docs/api.md).
  async getCaStatus(): Promise<CaStatus> {
    return parseCaStatus(await this.request('GET', '/ca'));
  }

  async createCa(name: string): Promise<void> {
    await this.request('POST', '/ca', name === '' ? {} : { name });
  }

  async issueServerCertificate(names: readonly string[]): Promise<Certificate> {
    return parseCertificate(await this.request('POST', '/ca/server-certificates', { names }));
  }

  async issueClientCertificate(label: string): Promise<Certificate> {
    const created = await this.request('POST', '/ca/client-certificates', { label });
    return parseCertificate(isJsonObject(created) ? created['certificate'] : created);
  }

  async revokeCertificate(serial: string): Promise<Certificate> {
    return parseCertificate(await this.request('POST', `/ca/certificates/${encodeURIComponent(serial)}/revoke`));
  }

  async listExportFiles(): Promise<ExportFileInfo[]> {
    return parseExportFiles(await this.request('GET', '/ca/export'));
  }

  /** A same-origin download link; the session cookie authorizes it. */
  exportFileUrl(name: string): string {
    return `${API_BASE}/ca/export/${encodeURIComponent(name)}`;
  }

  // Files (docs/api.md "Files")
  async listFiles(): Promise<FileList> {
    return parseFileList(await this.request('GET', '/files'));
  }

  async deleteFile(name: string): Promise<StoredFile> {
    return parseStoredFile(await this.request('DELETE', `/files/${encodeURIComponent(name)}`));
  }

  async getFileTransfers(name: string): Promise<TransferProgress[]> {
    return parseTransferList(await this.request('GET', `/files/${encodeURIComponent(name)}/transfers`));
  }

  async getDeviceTransfers(deviceId: string): Promise<TransferProgress[]> {
    return parseTransferList(await this.request('GET', `/devices/${encodeURIComponent(deviceId)}/transfers`));
  }

  /** Sends the file as the raw request body; XMLHttpRequest because fetch reports no upload progress. */
  uploadFile(name: string, file: Blob, isReplacing: boolean, onProgress: (sentBytes: number, totalBytes: number) => void): Promise<StoredFile> {
    const params = new URLSearchParams({ name });
    if (isReplacing) params.set('replace', 'true');
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${API_BASE}/files?${params.toString()}`);
      xhr.setRequestHeader('content-type', 'application/octet-stream');
      if (this.csrfToken !== null) xhr.setRequestHeader('x-csrf-token', this.csrfToken);
      xhr.upload.addEventListener('progress', (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size));
      xhr.addEventListener('error', () => reject(new ApiError(0, 'ERR_NETWORK', 'The server cannot be reached.')));
      xhr.addEventListener('load', () => {
        if (xhr.status === 401) {
          this.csrfToken = null;
          this.options.onUnauthorized();
        }
        let body: unknown = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          // A non-JSON answer (a proxy's error page) is reported by status below.
        }
        if (xhr.status === 201) {
          resolve(parseStoredFile(body));
          return;
        }
        const code = isJsonObject(body) && typeof body['error'] === 'string' ? body['error'] : `HTTP_${xhr.status}`;
        const message = isJsonObject(body) && typeof body['message'] === 'string' ? body['message'] : `The server answered ${xhr.status}.`;
        reject(new ApiError(xhr.status, code, message));
      });
      xhr.send(file);
    });
  }

  private async request(
    method: HttpMethod,
    path: string,
    body?: unknown,
    flags: { readonly isLoginCall?: boolean } = {},
  ): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (WRITE_METHODS.has(method) && this.csrfToken !== null) headers['x-csrf-token'] = this.csrfToken;
    let response: Response;
    try {
      response = await fetch(`${API_BASE}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
      });
    } catch (cause) {
      throw new ApiError(0, 'ERR_NETWORK', 'The server cannot be reached.', null, cause);
    }
    if (response.status === 401 && flags.isLoginCall !== true) {
      this.csrfToken = null;
      this.options.onUnauthorized();
    }
    if (!response.ok) throw await readApiError(response);
    if (response.status === 204) return null;
    const text = await response.text();
    return text === '' ? null : JSON.parse(text);
  }
}

async function readApiError(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get('retry-after'));
  const retryAfterS = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  let code = `HTTP_${response.status}`;
  let message = response.statusText || `The server answered ${response.status}.`;
  try {
    const parsed: unknown = JSON.parse(await response.text());
    if (isJsonObject(parsed)) {
      if (typeof parsed['error'] === 'string') code = parsed['error'];
      if (typeof parsed['message'] === 'string') message = parsed['message'];
    }
  } catch {
    // A non-JSON error body (a proxy page, say) still yields the status line above.
  }
  return new ApiError(response.status, code, message, retryAfterS);
}
