// Node-side database access (migrations, seeding, tests) through the same Neon driver the worker uses.
import ws from 'ws';
import { createDb } from '../../worker/db/client';

export function nodeDb(url: string, wsProxy?: string) {
  return createDb({ url, wsProxy, webSocketConstructor: ws });
}

/** True when the URL points at this machine, i.e. the driver needs the local WebSocket proxy. */
export function isLocalUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
}

export function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432) };
}

/** Replace the database name in a connection URL. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const SAFE_DB_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** CREATE/DROP DATABASE take no parameters, so names are generated here and checked against a strict pattern. */
export async function createDatabase(adminUrl: string, name: string, wsProxy?: string): Promise<string> {
  if (!SAFE_DB_NAME.test(name)) throw new Error(`unsafe database name: ${name}`);
  const { pool } = nodeDb(adminUrl, wsProxy);
  try {
    await pool.query(`create database "${name}"`);
  } finally {
    await pool.end();
  }
  return withDatabase(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string, wsProxy?: string): Promise<void> {
  if (!SAFE_DB_NAME.test(name)) throw new Error(`unsafe database name: ${name}`);
  const { pool } = nodeDb(adminUrl, wsProxy);
  try {
    await pool.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await pool.end();
  }
}
