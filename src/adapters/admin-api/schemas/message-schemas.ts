// Messages of a CWM: list, queue, cancel, and the long poll (docs/api.md "Messages").

import { Type } from '@sinclair/typebox';
import { IsoTime, JsonObject, Nullable, StringEnum } from './common-schemas.js';

export const MESSAGE_STATE_VALUES = ['queued', 'delivered', 'answered', 'expired', 'cancelled'] as const;
export const MessageStateSchema = StringEnum(MESSAGE_STATE_VALUES);
export const MESSAGE_CMD_VALUES = ['wr', 'rd'] as const;
/** MAX_TTL_SECONDS of src/domain/message-request.ts (a year), which checks it too; a test keeps them equal. */
export const MAX_MESSAGE_TTL_SECONDS = 31_536_000;

export const MessageSchema = Type.Object({
  id: Type.Integer({ description: 'the queue entry id' }),
  cwmId: Type.String(),
  okmId: Type.Integer({ description: 'the OKM _id' }),
  destination: Type.Array(Type.String()),
  cmd: StringEnum(MESSAGE_CMD_VALUES),
  payload: JsonObject(),
  state: MessageStateSchema,
  createdAt: IsoTime(),
  expiresAt: IsoTime(),
  deliveredAt: Nullable(IsoTime()),
  answeredAt: Nullable(IsoTime()),
  deliveryCount: Type.Integer(),
  result: Nullable(JsonObject({ description: 'the _pld of the answer OKM' })),
});

export const MessageListSchema = Type.Object({ items: Type.Array(MessageSchema, { description: 'newest first' }) });

// Each field refused by the schema gets the code the domain gives the same mistake (`opentps send`, /pullform).
export const NewMessageBody = Type.Object(
  {
    destination: Type.Array(Type.String(), { minItems: 1, description: 'the _dst: device ids, the CWM last', 'x-error-code': 'ERR_MESSAGE_DST_INVALID' }),
    cmd: StringEnum(MESSAGE_CMD_VALUES, { 'x-error-code': 'ERR_MESSAGE_CMD_INVALID' }),
    payload: JsonObject({ description: 'the _pld', 'x-error-code': 'ERR_MESSAGE_PLD_INVALID' }),
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_MESSAGE_TTL_SECONDS, description: 'the server default when absent', 'x-error-code': 'ERR_MESSAGE_TTL_INVALID' })),
  },
  { additionalProperties: false },
);

export const MessageIdParams = Type.Object({ messageId: Type.String({ pattern: '^\\d{1,15}$', description: 'the message id (digits)' }) });

export const MessagePollQuery = Type.Object({
  waitForChangeFrom: Type.Optional(MessageStateSchema),
  timeoutS: Type.Optional(Type.Integer({ minimum: 0, maximum: 60, default: 25, description: 'how long the long poll waits' })),
});
