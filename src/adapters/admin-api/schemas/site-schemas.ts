// /api/v1/sites: sites with their time zone and gateway MACs; placing a CWM at a site (issue 15).

import { Type } from '@sinclair/typebox';
import { IsoTime, Nullable, StringEnum } from './common-schemas.js';

export const SITE_PAGE_DEFAULT_LIMIT = 50;

export const SiteIdParams = Type.Object({ id: Type.Integer({ minimum: 1, description: 'site id' }) });

export const SiteListQuery = Type.Object({
  search: Type.Optional(Type.String({ maxLength: 200, description: 'text in the name or address' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: SITE_PAGE_DEFAULT_LIMIT })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
});

export const SiteSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  address: Nullable(Type.String()),
  timeZone: Nullable(Type.String({ description: 'IANA time zone: the default of its CWMs\' /time answers' })),
  gatewayMacs: Type.Array(Type.String({ description: 'aa:bb:cc:dd:ee:ff' })),
  createdAt: IsoTime(),
  cwmCount: Type.Integer({ description: 'CWMs at the site' }),
});

export const SitePageSchema = Type.Object({ items: Type.Array(SiteSchema), total: Type.Integer() });

export const NewSiteBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    address: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    timeZone: Type.Optional(Nullable(Type.String({ description: 'an IANA time zone (else ERR_TIME_ZONE_INVALID)' }))),
    gatewayMacs: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 64, description: 'MACs of the site\'s gateways (else ERR_GATEWAY_MAC_INVALID)' })),
  },
  { additionalProperties: false },
);

export const SiteChangesBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    address: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    timeZone: Type.Optional(Nullable(Type.String())),
    gatewayMacs: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 64 })),
  },
  { additionalProperties: false },
);

export const PlacementSchema = Type.Object({
  deviceId: Type.String(),
  siteId: Nullable(Type.Integer()),
  assignment: Nullable(StringEnum(['gateway', 'operator'] as const, { description: 'placed by the gateway MAC it reported, or by hand' })),
  reportedGatewayMac: Nullable(Type.String({ description: 'the last gwmac the CWM sent, raw' })),
  reportedGatewayMacAt: Nullable(IsoTime()),
});

export const PlacementBody = Type.Object(
  { siteId: Nullable(Type.Integer({ minimum: 1, description: 'null: at no site (a reported gateway MAC places it again)' })) },
  { additionalProperties: false },
);

export const TagsBody = Type.Object(
  { tags: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 32, description: 'replaces the tags (else ERR_TAG_INVALID)' }) },
  { additionalProperties: false },
);

export const TagsSchema = Type.Object({ tags: Type.Array(Type.String()) });

export const TagCountsSchema = Type.Object({ items: Type.Array(Type.Object({ tag: Type.String(), count: Type.Integer() })) });
