// The CRM API (contacts, attributes, labels, pipelines, deals): one small function per call, and response
// types derived from the worker's own DTO types and zod bodies (worker/domain/deals.ts, import-report.ts, erasure.ts, contacts.ts) or, where
// the worker builds a shape inline, from the drizzle schema picked as the worker picks it (`Json<T>` turns Dates into
// strings).
import type {
  Deal,
  DealStageHistory,
  Pipeline as PipelineRow,
  PipelineStage,
} from '../../../worker/db/schema';
import type { z } from 'zod';
import type { Contact, ContactBody, ContactDetail, ContactUpdateBody, Erasure as ErasureSchema, ImportReport } from '../../../worker/schemas/contacts';
import type { ContactNote } from '../../../worker/schemas/contact-notes';
import type {
  createDealBody,
  DealCard as WorkerDealCard,
  DealChange,
  DealDto as WorkerDealDto,
  updateDealBody,
} from '../../../worker/domain/deals';
import { api, del, get, patch, post } from './client';
import type { Json } from './json';
import type { AttributeDefinition, Label, Page } from './types';

export type { AttributeDefinition, Label };
// Contacts, notes, attributes and labels: the API's own response schemas (worker/schemas/), as JSON.
export type { Contact, ContactConversation, ContactDetail } from '../../../worker/schemas/contacts';
export type { ContactNote } from '../../../worker/schemas/contact-notes';
export type CreateContactBody = ContactBody;
export type UpdateContactBody = ContactUpdateBody;
export type AttributeType = AttributeDefinition['type'];
export type { ImportReport, RowError } from '../../../worker/schemas/contacts';
export type Erasure = z.infer<typeof ErasureSchema>;

export type DealDto = Json<WorkerDealDto>;
export type DealCard = Json<WorkerDealCard>;
export type DealStatus = Deal['status'];
export type Stage = Pick<PipelineStage, 'id' | 'name' | 'position' | 'probability'>;
export type Pipeline = Json<Pick<PipelineRow, 'id' | 'name' | 'isDefault' | 'position' | 'createdAt'> & { stages: Stage[] }>;
export interface StageTotal {
  stageId: string;
  currency: string;
  count: number;
  valueCents: number;
}
export type StageHistoryEntry = Json<Pick<DealStageHistory, 'fromStageId' | 'toStageId' | 'movedBy' | 'movedAt'>>;
export interface DealsPage extends Page<DealCard> {
  totals: StageTotal[];
}
/** `data` of the `deal.*` events on the organisation's socket (worker/domain/deals.ts `dealBoardEvent`). */
export interface DealEventData {
  deal: DealCard | Pick<DealCard, 'id' | 'pipelineId' | 'stageId'>;
  move?: NonNullable<DealChange['move']>;
  changed?: DealChange['changed'];
}

export type CreateDealBody = z.input<typeof createDealBody>;
export type UpdateDealBody = z.input<typeof updateDealBody>;

// ---- contacts ----

export const listContacts = (query: { q?: string; label?: string; attribute?: string; cursor?: string; limit?: number }, signal?: AbortSignal) =>
  get<Page<Contact>>('/api/v1/contacts', query, signal);
export const getContact = (id: string) => get<ContactDetail>(`/api/v1/contacts/${id}`);
export const createContact = (body: CreateContactBody) => post<{ contact: Contact }>('/api/v1/contacts', body);
export const updateContact = (id: string, body: UpdateContactBody) => patch<{ contact: Contact }>(`/api/v1/contacts/${id}`, body);
/** LGPD erasure (admins): the contact, its conversations, messages and media, for good. */
export const eraseContact = (id: string) => del<Erasure>(`/api/v1/contacts/${id}`);
export const mergeContact = (id: string, otherId: string) => post<{ contact: Contact; movedDeals: number }>(`/api/v1/contacts/${id}/merge`, { otherId });
export const listContactNotes = (id: string, cursor?: string) => get<Page<ContactNote>>(`/api/v1/contacts/${id}/notes`, { cursor });
export const addContactNote = (id: string, body: string) => post<{ note: ContactNote }>(`/api/v1/contacts/${id}/notes`, { body });
export const deleteContactNote = (id: string, noteId: string) => del(`/api/v1/contacts/${id}/notes/${noteId}`);
export const addContactLabels = (id: string, labelIds: string[]) => post<Page<Label>>(`/api/v1/contacts/${id}/labels`, { labelIds });
export const removeContactLabel = (id: string, labelId: string) => del(`/api/v1/contacts/${id}/labels/${labelId}`);
/** The CSV file as the request body (`text/csv`); the answer says what happened to each row. */
export const importContacts = (file: Blob) =>
  api<ImportReport>('POST', '/api/v1/contacts/import', { body: file.type === 'text/csv' ? file : new Blob([file], { type: 'text/csv' }) });

// ---- pipelines and deals ----

export const listPipelinesApi = () => get<Page<Pipeline>>('/api/v1/pipelines');
export const listDealsApi = (query: { pipelineId: string; status?: DealStatus; cursor?: string; limit?: number }) => get<DealsPage>('/api/v1/deals', query);
export const getDeal = (id: string) => get<{ deal: DealCard; history: StageHistoryEntry[] }>(`/api/v1/deals/${id}`);
export const createDeal = (body: CreateDealBody) => post<{ deal: DealCard }>('/api/v1/deals', body);
export const updateDeal = (id: string, body: UpdateDealBody) => patch<{ deal: DealCard }>(`/api/v1/deals/${id}`, body);
export const deleteDeal = (id: string) => del(`/api/v1/deals/${id}`);
