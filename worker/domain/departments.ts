// Departments ("filas"): CRUD with their members. All SQL for departments lives here.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import { isUniqueViolation } from '../db/errors';
import { departmentMembers, departments, memberships, type Department } from '../db/schema';
import type { Tx } from '../db/tx';
import { ApiError, conflict } from '../errors';
import type { departmentBody, updateDepartmentBody } from '../schemas/service-desk';

export type DepartmentDto = Pick<Department, 'id' | 'name' | 'color' | 'greeting' | 'autoAssign' | 'maxOpenPerAgent' | 'requeueAfterMinutes'> & { memberIds: string[] };

const memberIdsOf = sql<string[]>`coalesce((
  select array_agg(${departmentMembers.userId}::text order by ${departmentMembers.userId})
  from ${departmentMembers} where ${departmentMembers.departmentId} = ${departments.id}
), '{}')`;

export async function listDepartments(tx: Tx, orgId: string, ids?: string[]): Promise<DepartmentDto[]> {
  return tx
    .select({
      id: departments.id,
      name: departments.name,
      color: departments.color,
      greeting: departments.greeting,
      autoAssign: departments.autoAssign,
      maxOpenPerAgent: departments.maxOpenPerAgent,
      requeueAfterMinutes: departments.requeueAfterMinutes,
      memberIds: memberIdsOf,
    })
    .from(departments)
    .where(and(eq(departments.organizationId, orgId), ids ? inArray(departments.id, ids) : undefined))
    .orderBy(asc(sql`lower(${departments.name})`));
}

export async function findDepartment(tx: Tx, orgId: string, id: string): Promise<DepartmentDto | undefined> {
  return (await listDepartments(tx, orgId, [id]))[0];
}

export async function departmentName(tx: Tx, orgId: string, id: string | null): Promise<string | null> {
  if (!id) return null;
  const [row] = await tx.select({ name: departments.name }).from(departments).where(and(eq(departments.organizationId, orgId), eq(departments.id, id)));
  return row?.name ?? null;
}

/** Members must be the organisation's; the list replaces the department's members. Returns who joined or left. */
async function setMembers(tx: Tx, orgId: string, departmentId: string, memberIds: string[]): Promise<string[]> {
  const wanted = [...new Set(memberIds)];
  if (wanted.length) {
    const found = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.organizationId, orgId), inArray(memberships.userId, wanted)));
    if (found.length !== wanted.length) throw new ApiError(422, 'invalid_member', 'Every member must belong to this organisation');
  }
  const before = (await tx.select({ userId: departmentMembers.userId }).from(departmentMembers).where(eq(departmentMembers.departmentId, departmentId))).map(
    (r) => r.userId,
  );
  const left = before.filter((u) => !wanted.includes(u));
  const joined = wanted.filter((u) => !before.includes(u));
  // Those who stay keep their place in the round robin (last_assigned_at).
  if (left.length) {
    await tx
      .delete(departmentMembers)
      .where(and(eq(departmentMembers.organizationId, orgId), eq(departmentMembers.departmentId, departmentId), inArray(departmentMembers.userId, left)));
  }
  if (joined.length) await tx.insert(departmentMembers).values(joined.map((userId) => ({ organizationId: orgId, departmentId, userId })));
  return [...left, ...joined];
}

const nameTaken = () => conflict('name_taken', 'A department with this name already exists');

export async function createDepartment(tx: Tx, actor: Actor, body: z.infer<typeof departmentBody>) {
  try {
    const [row] = await tx
      .insert(departments)
      .values({
        organizationId: actor.orgId,
        name: body.name,
        color: body.color,
        greeting: body.greeting,
        autoAssign: body.autoAssign,
        maxOpenPerAgent: body.maxOpenPerAgent,
        requeueAfterMinutes: body.requeueAfterMinutes,
      })
      .returning({ id: departments.id });
    const changed = await setMembers(tx, actor.orgId, row!.id, body.memberIds);
    await recordAudit(tx, { action: 'department.created', ...byActor(actor), targetType: 'department', targetId: row!.id, metadata: { name: body.name } });
    return { department: (await findDepartment(tx, actor.orgId, row!.id))!, changedMembers: changed };
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
}

export async function updateDepartment(tx: Tx, actor: Actor, id: string, body: z.infer<typeof updateDepartmentBody>) {
  const { memberIds, ...fields } = body;
  try {
    if (Object.keys(fields).length) {
      await tx
        .update(departments)
        .set(fields)
        .where(and(eq(departments.organizationId, actor.orgId), eq(departments.id, id)));
    }
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
  const changed = memberIds ? await setMembers(tx, actor.orgId, id, memberIds) : [];
  await recordAudit(tx, { action: 'department.updated', ...byActor(actor), targetType: 'department', targetId: id, metadata: { ...fields, ...(memberIds && { memberIds }) } });
  return { department: (await findDepartment(tx, actor.orgId, id))!, changedMembers: changed };
}

/** Its conversations go back to the general queue (FK set null); its members lose nothing else. */
export async function deleteDepartment(tx: Tx, actor: Actor, id: string) {
  const members = (await tx.select({ userId: departmentMembers.userId }).from(departmentMembers).where(eq(departmentMembers.departmentId, id))).map((r) => r.userId);
  const [gone] = await tx
    .delete(departments)
    .where(and(eq(departments.organizationId, actor.orgId), eq(departments.id, id)))
    .returning({ name: departments.name });
  if (gone) await recordAudit(tx, { action: 'department.deleted', ...byActor(actor), targetType: 'department', targetId: id, metadata: { name: gone.name } });
  return { deleted: Boolean(gone), changedMembers: members };
}
