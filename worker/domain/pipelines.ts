import type { Db } from '../db/client';
import { pipelineStages, pipelines } from '../db/schema';
import type { Tx } from '../db/tx';

/** Every new organisation starts with one sales pipeline. */
export const DEFAULT_PIPELINE = 'Vendas';
export const DEFAULT_STAGES = ['Novo', 'Qualificado', 'Proposta', 'Negociação', 'Fechamento'];

export async function createDefaultPipeline(tx: Tx | Db, organizationId: string): Promise<void> {
  const [pipeline] = await tx
    .insert(pipelines)
    .values({ organizationId, name: DEFAULT_PIPELINE, isDefault: true })
    .returning({ id: pipelines.id });
  await tx
    .insert(pipelineStages)
    .values(DEFAULT_STAGES.map((name, position) => ({ organizationId, pipelineId: pipeline!.id, name, position })));
}
