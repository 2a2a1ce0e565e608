// Benchmark tenants, seeded straight into the database (as scripts/lib/seed.ts does for the demo): organisations,
// one admin and one agent each, one WhatsApp channel per organisation, and a pool of customer numbers.
import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../worker/auth/password';
import type { Db } from '../../worker/db/client';
import { channels, memberships, organizations, users } from '../../worker/db/schema';
import { asSystem } from '../../worker/db/tx';
import { channelSecret, seal } from '../../worker/lib/secret-box';
import type { BusinessRef, CustomerRef } from '../../fake-meta/webhook-payloads';

export const BENCH_PASSWORD = 'conversa-bench-123';

export interface BenchUser {
  email: string;
  role: 'tenant_admin' | 'agent';
}

export interface Tenant {
  index: number;
  orgId: string;
  name: string;
  channelId: string;
  business: BusinessRef;
  users: BenchUser[];
  customers: CustomerRef[];
}

const FIRST = ['Ana', 'Bruno', 'Carla', 'Diego', 'Elisa', 'Fábio', 'Gabriela', 'Hugo', 'Isabela', 'João', 'Karina', 'Lucas', 'Mariana', 'Nícolas', 'Otávio', 'Paula', 'Renato', 'Sofia', 'Tiago', 'Vitória'];
const LAST = ['Silva', 'Santos', 'Oliveira', 'Souza', 'Lima', 'Pereira', 'Ferreira', 'Costa', 'Rodrigues', 'Almeida', 'Nascimento', 'Araújo', 'Gonçalves', 'Ribeiro', 'Carvalho'];

/** Digits that are unique within a run: a per-run prefix plus a counter. */
function numberFactory() {
  const run = String(100 + (randomBytes(2).readUInt16BE(0) % 900));
  let n = 0;
  return () => `55119${run}${String(n++).padStart(5, '0')}`;
}

export async function seedTenants(
  db: Db,
  encryptionKey: string,
  opts: { tenants: number; customersPerTenant: number; runId: string },
): Promise<Tenant[]> {
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const nextNumber = numberFactory();
  const tenants: Tenant[] = [];
  for (let i = 0; i < opts.tenants; i++) {
    const phoneNumberId = `19${opts.runId}${String(i).padStart(4, '0')}`.slice(0, 15).padEnd(15, '0');
    const business: BusinessRef = {
      wabaId: `29${opts.runId}${String(i).padStart(4, '0')}`.slice(0, 15).padEnd(15, '0'),
      phoneNumberId,
      displayPhoneNumber: `+55 11 4${String(100 + i).padStart(3, '0')}-${opts.runId.slice(0, 4).padStart(4, '0')}`,
    };
    const name = `Loja Bench ${i + 1}`;
    const benchUsers: BenchUser[] = [
      { email: `admin${i + 1}.${opts.runId}@bench.conversa.local`, role: 'tenant_admin' },
      { email: `agente${i + 1}.${opts.runId}@bench.conversa.local`, role: 'agent' },
    ];
    const { orgId, channelId } = await asSystem(db, async (tx) => {
      const [org] = await tx.insert(organizations).values({ name, slug: `bench-${opts.runId}-${i + 1}` }).returning({ id: organizations.id });
      for (const u of benchUsers) {
        const [user] = await tx.insert(users).values({ email: u.email, name: u.email.split('@')[0], passwordHash }).returning({ id: users.id });
        await tx.insert(memberships).values({ organizationId: org!.id, userId: user!.id, role: u.role });
      }
      const id = crypto.randomUUID();
      const [channel] = await tx
        .insert(channels)
        .values({
          id,
          organizationId: org!.id,
          provider: 'meta_cloud',
          name: `WhatsApp ${name}`,
          phoneNumberId,
          wabaId: business.wabaId,
          displayPhoneNumber: business.displayPhoneNumber,
          accessTokenEnc: await seal({ ENCRYPTION_KEY: encryptionKey }, `bench-token-${opts.runId}-${i}`, channelSecret(id)),
        })
        .returning({ id: channels.id });
      return { orgId: org!.id, channelId: channel!.id };
    });
    const customers: CustomerRef[] = [];
    for (let c = 0; c < opts.customersPerTenant; c++) {
      customers.push({ waId: nextNumber(), name: `${FIRST[(c * 7 + i) % FIRST.length]} ${LAST[(c * 3 + i) % LAST.length]}` });
    }
    tenants.push({ index: i, orgId, name, channelId, business, users: benchUsers, customers });
  }
  return tenants;
}
