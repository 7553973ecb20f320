// Talks to the admin REST API: adds the CSRF header to writes, parses answers, and reports a lost session.
import type { TSchema, Static } from '@sinclair/typebox';
import { CaStatusSchema, CertificateListSchema, CertificateSchema, CreatedCaSchema, ExportListSchema, IssuedClientCertificateSchema } from '../../src/adapters/admin-api/schemas/ca-schemas.js';
import { NoContent } from '../../src/adapters/admin-api/schemas/common-schemas.js';
import { CreatedDeviceSchema, DeviceDetailSchema, DevicePageSchema } from '../../src/adapters/admin-api/schemas/device-schemas.js';
import { FileListSchema, StoredFileSchema, TransferListSchema } from '../../src/adapters/admin-api/schemas/file-schemas.js';
import { FleetSummarySchema } from '../../src/adapters/admin-api/schemas/fleet-schemas.js';
import { NodeHealthSchema } from '../../src/adapters/admin-api/schemas/health-schemas.js';
import { MessageListSchema, MessageSchema } from '../../src/adapters/admin-api/schemas/message-schemas.js';
import { CurrentSessionSchema, SessionSchema } from '../../src/adapters/admin-api/schemas/session-schemas.js';
import { DeviceSeriesSchema, OriginFieldsSchema } from '../../src/adapters/admin-api/schemas/telemetry-schemas.js';
import { TrafficListSchema } from '../../src/adapters/admin-api/schemas/traffic-schemas.js';
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
import { checkAnswer } from './api-shape-error.js';
import { AlertApi } from './api/alert-api.js';
import { EquipmentApi } from './api/equipment-api.js';
import { ModelApi } from './api/model-api.js';
import { SiteApi } from './api/site-api.js';
import { isJsonObject } from './json-object.js';
import type { CaStatus, Certificate, ExportFileInfo } from './setup/setup-model.js';
import type { FileList, StoredFile, TransferProgress } from './files/file-model.js';
import type { NodeHealth } from './health/health-model.js';

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
  /** CWMs at this site; null: any. */
  readonly siteId: number | null;
  /** CWMs carrying this tag; null: any. */
  readonly tag: string | null;
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

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Calls the API and checks the answer against `schema`: what the per-area clients (api/) are given. */
export type CheckedRequest = <T extends TSchema>(schema: T, method: HttpMethod, path: string, body?: unknown) => Promise<Static<T>>;

const WRITE_METHODS: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

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
  /** Equipment, models, sites and tags (issue 15), each in its own file under api/. */
  readonly equipment: EquipmentApi;
  readonly models: ModelApi;
  readonly sites: SiteApi;
  /** Alerts, rules, silences and notification channels (issue 16). */
  readonly alerts: AlertApi;

  constructor(options: ApiClientOptions) {
    this.options = options;
    const request: CheckedRequest = (schema, method, path, body) => this.request(schema, method, path, body);
    this.equipment = new EquipmentApi(request);
    this.models = new ModelApi(request);
    this.sites = new SiteApi(request);
    this.alerts = new AlertApi(request);
  }

  async login(name: string, password: string): Promise<Session> {
    const answer = await this.request(SessionSchema, 'POST', '/session', { name, password }, { isLoginCall: true });
    this.csrfToken = answer.csrfToken;
    return { operatorName: answer.operator.name, csrfToken: answer.csrfToken };
  }

  /** The current session, or null when the cookie is missing or expired. */
  async resumeSession(): Promise<Session | null> {
    try {
      const answer = await this.request(CurrentSessionSchema, 'GET', '/session', undefined, { isLoginCall: true });
      // A console session always has both; a token-authenticated script has no CSRF token.
      if (answer.operator.name === null || answer.csrfToken === null) return null;
      this.csrfToken = answer.csrfToken;
      return { operatorName: answer.operator.name, csrfToken: answer.csrfToken };
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  }

  async logout(): Promise<void> {
    try {
      await this.request(NoContent, 'DELETE', '/session', undefined, { isLoginCall: true });
    } finally {
      this.csrfToken = null;
    }
  }

  async getFleet(): Promise<FleetSummary> {
    return this.request(FleetSummarySchema, 'GET', '/fleet');
  }

  /** Whether this node can store, and free disk space (GET /api/v1/health). */
  async getHealth(): Promise<NodeHealth> {
    return this.request(NodeHealthSchema, 'GET', '/health');
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
    if (query.siteId !== null) params.set('site', String(query.siteId));
    if (query.tag !== null) params.set('tag', query.tag);
    return this.request(DevicePageSchema, 'GET', `/devices?${params.toString()}`);
  }

  async addDevice(id: string, name: string, key: string): Promise<CreatedDevice> {
    const body: Record<string, string> = { id };
    if (name !== '') body['name'] = name;
    if (key !== '') body['key'] = key;
    return this.request(CreatedDeviceSchema, 'POST', '/devices', body);
  }

  async getDevice(deviceId: string): Promise<DeviceDetail> {
    return this.request(DeviceDetailSchema, 'GET', `/devices/${encodeURIComponent(deviceId)}`);
  }

  async getFields(deviceId: string): Promise<OriginFields[]> {
    return (await this.request(OriginFieldsSchema, 'GET', `/devices/${encodeURIComponent(deviceId)}/fields`)).origins;
  }

  async getTelemetry(query: TelemetryQuery): Promise<TelemetrySeries> {
    const params = new URLSearchParams({
      origin: query.origin,
      field: query.field,
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      points: String(query.points),
    });
    return this.request(DeviceSeriesSchema, 'GET', `/devices/${encodeURIComponent(query.deviceId)}/telemetry?${params.toString()}`);
  }

  /** A same-origin link to the raw OKM export; the session cookie authorizes the download. */
  okmExportUrl(deviceId: string, from: Date, to: Date, format: 'csv' | 'ndjson'): string {
    const params = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), format });
    return `${API_BASE}/devices/${encodeURIComponent(deviceId)}/okms?${params.toString()}`;
  }

  async listMessages(deviceId: string): Promise<Message[]> {
    return (await this.request(MessageListSchema, 'GET', `/devices/${encodeURIComponent(deviceId)}/messages`)).items;
  }

  async sendMessage(deviceId: string, message: NewMessage): Promise<Message> {
    return this.request(MessageSchema, 'POST', `/devices/${encodeURIComponent(deviceId)}/messages`, message);
  }

  async cancelMessage(messageId: number): Promise<Message> {
    return this.request(MessageSchema, 'DELETE', `/messages/${messageId}`);
  }

  async listTraffic(deviceId: string, limit: number): Promise<TrafficEntry[]> {
    const params = new URLSearchParams({ device: deviceId, limit: String(limit) });
    return (await this.request(TrafficListSchema, 'GET', `/traffic?${params.toString()}`)).items;
  }

  /** Every device's recent requests together (the setup page's "waiting for the first request" panel). */
  async listRecentTraffic(limit: number): Promise<TrafficEntry[]> {
    return (await this.request(TrafficListSchema, 'GET', `/traffic?limit=${limit}`)).items;
  }

  // The custom-endpoint kit: certificate authority and CWM files (docs/api.md).
  async getCaStatus(): Promise<CaStatus> {
    return this.request(CaStatusSchema, 'GET', '/ca');
  }

  async createCa(name: string): Promise<void> {
    await this.request(CreatedCaSchema, 'POST', '/ca', name === '' ? {} : { name });
  }

  async issueServerCertificate(names: readonly string[]): Promise<Certificate> {
    return this.request(CertificateSchema, 'POST', '/ca/server-certificates', { names });
  }

  async issueClientCertificate(label: string): Promise<Certificate> {
    return (await this.request(IssuedClientCertificateSchema, 'POST', '/ca/client-certificates', { label })).certificate;
  }

  async revokeCertificate(serial: string): Promise<Certificate> {
    return this.request(CertificateSchema, 'POST', `/ca/certificates/${encodeURIComponent(serial)}/revoke`);
  }

  async listExportFiles(): Promise<ExportFileInfo[]> {
    return (await this.request(ExportListSchema, 'GET', '/ca/export')).files;
  }

  /** A same-origin download link; the session cookie authorizes it. */
  exportFileUrl(name: string): string {
    return `${API_BASE}/ca/export/${encodeURIComponent(name)}`;
  }

  // Files (docs/api.md "Files")
  async listFiles(): Promise<FileList> {
    return this.request(FileListSchema, 'GET', '/files');
  }

  async deleteFile(name: string): Promise<StoredFile> {
    return this.request(StoredFileSchema, 'DELETE', `/files/${encodeURIComponent(name)}`);
  }

  async getFileTransfers(name: string): Promise<TransferProgress[]> {
    return (await this.request(TransferListSchema, 'GET', `/files/${encodeURIComponent(name)}/transfers`)).items;
  }

  async getDeviceTransfers(deviceId: string): Promise<TransferProgress[]> {
    return (await this.request(TransferListSchema, 'GET', `/devices/${encodeURIComponent(deviceId)}/transfers`)).items;
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
          try {
            resolve(checkAnswer(StoredFileSchema, body, 'POST /files'));
          } catch (error) {
            reject(error);
          }
          return;
        }
        const code = isJsonObject(body) && typeof body['error'] === 'string' ? body['error'] : `HTTP_${xhr.status}`;
        const message = isJsonObject(body) && typeof body['message'] === 'string' ? body['message'] : `The server answered ${xhr.status}.`;
        reject(new ApiError(xhr.status, code, message));
      });
      xhr.send(file);
    });
  }

  /** Calls the API and checks the answer against `schema`, the server's own (ApiShapeError when it does not match). */
  private async request<T extends TSchema>(
    schema: T,
    method: HttpMethod,
    path: string,
    body?: unknown,
    flags: { readonly isLoginCall?: boolean } = {},
  ): Promise<Static<T>> {
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
    const text = response.status === 204 ? '' : await response.text();
    return checkAnswer(schema, text === '' ? null : JSON.parse(text), `${method} ${path.split('?')[0]}`);
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
