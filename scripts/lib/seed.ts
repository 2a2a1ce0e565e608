// Demo tenant for local development: one organisation with an admin, a manager and an agent, and a default sales
// pipeline. Idempotent: running it again changes nothing.
import { eq } from 'drizzle-orm';
import { hashPassword } from '../../worker/auth/password';
import type { Db } from '../../worker/db/client';
import { memberships, organizations, pipelineStages, pipelines, users } from '../../worker/db/schema';
import { asSystem } from '../../worker/db/tx';

export const DEMO_PASSWORD = 'conversa-demo-123';
export const DEMO_LOGINS = [
  { email: 'admin@demo.conversa.local', name: 'Ana Admin', role: 'tenant_admin' },
  { email: 'gerente@demo.conversa.local', name: 'Gustavo Gerente', role: 'manager' },
  { email: 'agente@demo.conversa.local', name: 'Alice Agente', role: 'agent' },
] as const;

export const DEFAULT_STAGES = ['Novo', 'Qualificado', 'Proposta', 'Negociação', 'Fechamento'];

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
    const [pipeline] = await tx
      .insert(pipelines)
      .values({ organizationId: org!.id, name: 'Vendas', isDefault: true })
      .returning({ id: pipelines.id });
    await tx.insert(pipelineStages).values(
      DEFAULT_STAGES.map((name, position) => ({ organizationId: org!.id, pipelineId: pipeline!.id, name, position })),
    );
    return { created: true };
  });
}
