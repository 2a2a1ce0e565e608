// The CRM API (contacts, attributes, labels, pipelines, deals): one small function per call. Request and response
// types are the API's own zod schemas (worker/schemas/), so the contract is the API's, not the tables' columns.
import type { z } from 'zod';
import type { Contact, ContactBody, ContactDetail, ContactUpdateBody, Erasure as ErasureSchema, ImportReport } from '../../../worker/schemas/contacts';
import type { ContactNote } from '../../../worker/schemas/contact-notes';
import type { DataExport } from '../../../worker/schemas/data-exports';
import type { CreateDealBody, Deal, DealCard, DealMove, DealsPage, Pipeline, StageHistoryEntry, UpdateDealBody } from '../../../worker/schemas/deals';
import { api, del, get, patch, post } from './client';
import type { AttributeDefinition, Label, Page } from './types';

export type { AttributeDefinition, Label };
export type { Contact, ContactConversation, ContactDetail } from '../../../worker/schemas/contacts';
export type { ContactNote } from '../../../worker/schemas/contact-notes';
export type { DataExport } from '../../../worker/schemas/data-exports';
export type CreateContactBody = ContactBody;
export type UpdateContactBody = ContactUpdateBody;
export type AttributeType = AttributeDefinition['type'];
export type { ImportReport, RowError } from '../../../worker/schemas/contacts';
export type Erasure = z.infer<typeof ErasureSchema>;

export type { CreateDealBody, DealCard, DealsPage, Pipeline, Stage, StageHistoryEntry, StageTotal, UpdateDealBody } from '../../../worker/schemas/deals';
export type DealDto = Deal;
export type DealStatus = Deal['status'];
/** `data` of the `deal.*` events on the organisation's socket (worker/domain/deals.ts `dealBoardEvent`). */
export interface DealEventData {
  deal: DealCard | Pick<DealCard, 'id' | 'pipelineId' | 'stageId'>;
  move?: DealMove;
  changed?: string[];
}

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
/** LGPD access request (admins): the contact's data as a ZIP, built in the background. */
export const startDataExport = (contactId: string) => post<{ export: DataExport }>(`/api/v1/contacts/${contactId}/exports`);
export const listDataExports = (contactId: string) => get<{ data: DataExport[] }>(`/api/v1/contacts/${contactId}/exports`);
export const getDataExport = (id: string) => get<{ export: DataExport }>(`/api/v1/exports/${id}`);
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
