// Meta's error shapes, as the Graph API answers them synchronously and as the messages webhook carries them in a
// `failed` status. Codes, titles and HTTP statuses follow Meta's error-code reference
// (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes); the `details`
// strings are close paraphrases of what Meta sends, since clients are told to branch on `code`, not on text.
import { randomBytes } from 'node:crypto';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const ERROR_CODES_URL = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

interface CatalogueEntry {
  title: string;
  details: string;
  httpStatus: ContentfulStatusCode;
}

const CATALOGUE: Record<number, CatalogueEntry> = {
  100: { title: 'Invalid parameter', details: 'Invalid parameter', httpStatus: 400 },
  130429: {
    title: 'Rate limit hit',
    details: 'Message failed to send because there were too many messages sent from this phone number in a short period of time.',
    httpStatus: 429,
  },
  131000: { title: 'Something went wrong', details: 'Message failed to send due to an unknown error.', httpStatus: 500 },
  131005: { title: 'Access denied', details: 'Permission is either not granted or has been removed.', httpStatus: 403 },
  131008: { title: 'Required parameter is missing', details: 'The request is missing a required parameter.', httpStatus: 400 },
  131009: { title: 'Parameter value is not valid', details: 'One or more parameter values are invalid.', httpStatus: 400 },
  131021: { title: 'Recipient cannot be sender', details: 'Sender and recipient phone number is the same.', httpStatus: 400 },
  131026: {
    title: 'Message undeliverable',
    details: 'Unable to deliver message. The recipient may not be a WhatsApp user, may not have accepted the latest '
      + 'Terms of Service, or may be using an old WhatsApp version.',
    httpStatus: 400,
  },
  131047: {
    title: 'Re-engagement message',
    details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    httpStatus: 400,
  },
  131048: {
    title: 'Spam rate limit hit',
    details: 'Message failed to send because there are restrictions on how many messages can be sent from this phone number.',
    httpStatus: 400,
  },
  131051: { title: 'Unsupported message type', details: 'Message type is not currently supported.', httpStatus: 400 },
  131052: { title: 'Media download error', details: 'Unable to download the media sent by the user.', httpStatus: 400 },
  131053: { title: 'Media upload error', details: 'Unable to upload the media used in the message.', httpStatus: 400 },
  131056: {
    title: '(Business Account, Consumer Account) pair rate limit hit',
    details: 'Message failed to send because there were too many messages sent from this phone number to the same phone '
      + 'number in a short period of time.',
    httpStatus: 400,
  },
  132000: {
    title: 'Number of parameters does not match the expected number of params',
    details: 'The number of variable parameter values included in the request did not match the number of variable '
      + 'parameters defined in the template.',
    httpStatus: 400,
  },
  132001: {
    title: 'Template name does not exist in the translation',
    details: 'The template does not exist in the specified language or the template has not been approved.',
    httpStatus: 404,
  },
  133010: { title: 'Phone number not registered', details: 'The phone number is not registered on the WhatsApp Business Platform.', httpStatus: 400 },
};

/** Codes the fake knows by name; any other code can still be forced, with a generic title. */
export const KNOWN_ERROR_CODES = Object.keys(CATALOGUE).map(Number);

export interface MetaErrorSpec {
  code: number;
  title: string;
  details: string;
  httpStatus: ContentfulStatusCode;
}

/** A catalogue entry, with the details (or status) overridden when a test or the send rules know better. */
export function metaError(code: number, overrides: { details?: string; httpStatus?: ContentfulStatusCode } = {}): MetaErrorSpec {
  const known = CATALOGUE[code];
  return {
    code,
    title: known?.title ?? 'Error',
    details: overrides.details ?? known?.details ?? `Error ${code}`,
    httpStatus: overrides.httpStatus ?? known?.httpStatus ?? 400,
  };
}

export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    fbtrace_id: string;
  };
}

export interface GraphErrorResponse {
  status: ContentfulStatusCode;
  body: GraphErrorBody;
  headers?: Record<string, string>;
}

/** Meta's trace ids are opaque base64-ish strings; clients only log them. */
export function fbtraceId(): string {
  return randomBytes(16).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 23);
}

/** WhatsApp errors on the Graph API: "(#code) title" plus error_data.details. */
export function whatsappError(spec: MetaErrorSpec): GraphErrorResponse {
  return {
    status: spec.httpStatus,
    body: {
      error: {
        message: `(#${spec.code}) ${spec.title}`,
        type: 'OAuthException',
        code: spec.code,
        error_data: { messaging_product: 'whatsapp', details: spec.details },
        fbtrace_id: fbtraceId(),
      },
    },
  };
}

/** Bad, unknown or missing access token. Meta sends no error_data here, and says why in WWW-Authenticate too. */
export function invalidTokenError(): GraphErrorResponse {
  const message = 'Invalid OAuth access token - Cannot parse access token';
  return {
    status: 401,
    body: { error: { message, type: 'OAuthException', code: 190, fbtrace_id: fbtraceId() } },
    headers: { 'WWW-Authenticate': `OAuth "Facebook Platform" "invalid_token" "${message}"` },
  };
}

/** An id the token cannot see (unknown phone number, media, WABA): Graph's generic 100/33. */
export function unknownObjectError(method: string, objectId: string): GraphErrorResponse {
  return {
    status: 400,
    body: {
      error: {
        message: `Unsupported ${method.toLowerCase()} request. Object with ID '${objectId}' does not exist, cannot be loaded `
          + 'due to missing permissions, or does not support this operation. Please read the Graph API documentation at '
          + 'https://developers.facebook.com/docs/graph-api',
        type: 'GraphMethodException',
        code: 100,
        error_subcode: 33,
        fbtrace_id: fbtraceId(),
      },
    },
  };
}

/** An edge the Graph API does not have under a known node. */
export function unknownPathError(components: string): GraphErrorResponse {
  return {
    status: 400,
    body: { error: { message: `Unknown path components: ${components}`, type: 'OAuthException', code: 2500, fbtrace_id: fbtraceId() } },
  };
}

/** Graph's generic invalid-parameter error (no WhatsApp error_data), e.g. "(#100) The parameter x is required". */
export function invalidParameterError(message: string): GraphErrorResponse {
  return {
    status: 400,
    body: { error: { message: `(#100) ${message}`, type: 'OAuthException', code: 100, fbtrace_id: fbtraceId() } },
  };
}

/** The error object inside a `failed` status (entry.changes.value.statuses[].errors[]). */
export interface WebhookError {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href: string;
}

export function webhookError(spec: MetaErrorSpec): WebhookError {
  return { code: spec.code, title: spec.title, message: spec.title, error_data: { details: spec.details }, href: ERROR_CODES_URL };
}
