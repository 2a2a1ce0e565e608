// Evolution signs nothing: each channel's webhook carries a secret header set when its instance was created. The
// secret is an HMAC of the channel id under EVOLUTION_WEBHOOK_KEY, so the webhook route checks it without a database
// read (the acknowledgement path never touches the database) and no per-channel secret is stored anywhere. Pure
// WebCrypto: `npm run dev` uses it in Node too, to configure the demo instance.
export const EVOLUTION_SECRET_HEADER = 'x-conversa-webhook-token';

const encoder = new TextEncoder();

export async function evolutionWebhookSecret(key: string, channelId: string): Promise<string> {
  const hmacKey = await crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, encoder.encode(`evolution-webhook:${channelId}`)));
  return btoa(String.fromCharCode(...mac)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The webhook as configured on Evolution for this channel: what the create response shows. */
export async function evolutionWebhook(key: string, baseUrl: string, channelId: string): Promise<{ url: string; headers: Record<string, string> }> {
  return {
    url: `${baseUrl.replace(/\/$/, '')}/webhooks/evolution/${channelId}`,
    headers: { [EVOLUTION_SECRET_HEADER]: await evolutionWebhookSecret(key, channelId) },
  };
}
