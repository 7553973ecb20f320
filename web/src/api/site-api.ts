// Sites (docs/api.md "Sites"): every answer checked against the server's schemas.
import { NoContent } from '../../../src/adapters/admin-api/schemas/common-schemas.js';
import { SitePageSchema, SiteSchema } from '../../../src/adapters/admin-api/schemas/site-schemas.js';
import type { CheckedRequest } from '../api-client.js';
import type { Site, SitePage } from '../api-model.js';

/** The members of a site an operator types; null clears an optional one. */
export interface SiteInput {
  readonly name: string;
  readonly address: string | null;
  readonly timeZone: string | null;
  readonly gatewayMacs: readonly string[];
}

export class SiteApi {
  private readonly request: CheckedRequest;

  constructor(request: CheckedRequest) {
    this.request = request;
  }

  async list(search: string, limit: number, offset: number): Promise<SitePage> {
    const params = new URLSearchParams({ limit: String(limit), offset: String(offset) });
    if (search !== '') params.set('search', search);
    return this.request(SitePageSchema, 'GET', `/sites?${params.toString()}`);
  }

  async create(site: SiteInput): Promise<Site> {
    return this.request(SiteSchema, 'POST', '/sites', site);
  }

  async update(siteId: number, site: SiteInput): Promise<Site> {
    return this.request(SiteSchema, 'PATCH', `/sites/${siteId}`, site);
  }

  async remove(siteId: number): Promise<void> {
    await this.request(NoContent, 'DELETE', `/sites/${siteId}`);
  }
}
