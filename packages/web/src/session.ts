// The signed-in session: a bearer token kept for this browser tab only (sessionStorage), so closing the tab signs
// out and no other site or tab can reuse it; the server expires it anyway (8 hours by default).
import { useSyncExternalStore } from 'react';

export type Role = 'SCHOOL_STAFF' | 'PRINCIPAL' | 'WARD_STAFF' | 'PROVINCE_STAFF' | 'PLANNER' | 'ADMIN';
export interface SessionAccount {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** Signed in with a one-time password: must set its own first. */
  mustChangePassword?: boolean;
  school: { id: string; name: string } | null;
  unit: { code: string; fullName: string } | null;
}
export interface Session { token: string; expiresAt: string; account: SessionAccount }

const KEY = 'edugis.session';
const listeners = new Set<() => void>();
let current: Session | null = read();

function read(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return s && new Date(s.expiresAt).getTime() > Date.now() ? s : null;
  } catch {
    return null;
  }
}

export function setSession(s: Session | null): void {
  current = s;
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
  for (const l of listeners) l();
}
export const getSession = () => current;
export function useSession(): Session | null {
  return useSyncExternalStore((l) => { listeners.add(l); return () => listeners.delete(l); }, () => current);
}
