// Demo tenant for local development: one organisation with an admin, a manager and an agent, and a default sales
// pipeline. Idempotent: running it again changes nothing.
import { eq } from 'drizzle-orm';
import { hashPassword } from '../../worker/auth/password';
import type { Db } from '../../worker/db/client';
import { channels, memberships, organizations, users } from '../../worker/db/schema';
import { channelSecret, seal } from '../../worker/lib/secret-box';
import { asSystem } from '../../worker/db/tx';
import { createDefaultPipeline } from '../../worker/domain/pipelines';

export { DEFAULT_STAGES } from '../../worker/domain/pipelines';

export const DEMO_PASSWORD = 'conversa-demo-123';
export const DEMO_LOGINS = [
  { email: 'admin@demo.conversa.local', name: 'Ana Admin', role: 'tenant_admin' },
  { email: 'gerente@demo.conversa.local', name: 'Gustavo Gerente', role: 'manager' },
  { email: 'agente@demo.conversa.local', name: 'Alice Agente', role: 'agent' },
] as const;

export async function seedDemo(db: Db): Promise<{ created: boolean }> {
  return asSystem(db, async (tx) => {
    const existing = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, 'demo'));
    if (existing.length > 0) return { created: false };

    const [org] = await tx.insert(organizations).values({ name: 'Loja Demo', slug: 'demo' }).returning();
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    for (const login of DEMO_LOGINS) {
      const [user] = await tx
        .insert(users)
        .values({ email: login.email, name: login.name, passwordHash })
        .returning({ id: users.id });
      await tx.insert(memberships).values({ organizationId: org!.id, userId: user!.id, role: login.role });
    }
    await createDefaultPipeline(tx, org!.id);
    return { created: true };
  });
}

/** The demo organisation's WhatsApp number: the one the local fake Meta serves. Idempotent. */
export async function seedDemoChannel(
  db: Db,
  encryptionKey: string,
  number: { phoneNumberId: string; wabaId: string; displayPhoneNumber: string; accessToken: string },
): Promise<void> {
  await asSystem(db, async (tx) => {
    const [org] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, 'demo'));
    if (!org) return;
    const id = crypto.randomUUID();
    await tx
      .insert(channels)
      .values({
        id,
        organizationId: org.id,
        provider: 'meta_cloud',
        name: 'WhatsApp Loja Demo',
        phoneNumberId: number.phoneNumberId,
        wabaId: number.wabaId,
        displayPhoneNumber: number.displayPhoneNumber,
        accessTokenEnc: await seal({ ENCRYPTION_KEY: encryptionKey }, number.accessToken, channelSecret(id)),
      })
      .onConflictDoNothing();
  });
}

export const DEMO_EVOLUTION_INSTANCE = 'loja-demo-qr';

/**
 * The demo organisation's QR-connected number (Evolution API): the channel row, kept across runs; `npm run dev`
 * creates its instance at the fake Evolution on every start. Returns the channel id (null without the demo tenant).
 */
export async function seedDemoEvolutionChannel(db: Db): Promise<string | null> {
  return asSystem(db, async (tx) => {
    const [org] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, 'demo'));
    if (!org) return null;
    const [existing] = await tx.select({ id: channels.id }).from(channels).where(eq(channels.instanceName, DEMO_EVOLUTION_INSTANCE));
    if (existing) {
      await tx.update(channels).set({ connectionState: 'connecting', qrCode: null, status: 'active' }).where(eq(channels.id, existing.id));
      return existing.id;
    }
    const [row] = await tx
      .insert(channels)
      .values({ organizationId: org.id, provider: 'evolution', name: 'WhatsApp Loja Demo (QR code)', instanceName: DEMO_EVOLUTION_INSTANCE, connectionState: 'connecting' })
      .returning({ id: channels.id });
    return row!.id;
  });
}
