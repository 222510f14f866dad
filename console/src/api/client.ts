// Calls to dth's REST API with the signed-in user's bearer token (kept in localStorage).
// A failed call throws ApiError with the problem details' code, detail and field, so a
// form can show the server's reason on the field it names.
const TOKEN_KEY = 'dth.token';
const USER_KEY = 'dth.user';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly field: string | undefined,
  ) {
    super(detail || `HTTP ${status}`);
  }
}

export function token(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function signedInUser(): string | null {
  return localStorage.getItem(USER_KEY);
}

const listeners = new Set<() => void>();
export function onSignOut(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function forgetToken() {
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(USER_KEY);
  listeners.forEach((l) => l());
}

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...extraHeaders };
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const p = (json ?? {}) as { code?: string; detail?: string; title?: string; field?: string };
    if (response.status === 401 && path !== '/api/v1/auth/token') forgetToken();
    throw new ApiError(response.status, p.code ?? 'http', p.detail ?? p.title ?? text, p.field || undefined);
  }
  return json as T;
}

export async function signIn(username: string, password: string): Promise<void> {
  const answer = await api<{ token: string; username: string }>('POST', '/api/v1/auth/token', {
    username,
    password,
  });
  localStorage.setItem(TOKEN_KEY, answer.token);
  localStorage.setItem(USER_KEY, answer.username);
}

export async function signOut(): Promise<void> {
  try {
    await api('POST', '/api/v1/auth/logout');
  } catch {
    // signed out either way
  }
  forgetToken();
}

// A server-sent event stream of the API (EventSource cannot send headers: the token goes
// as ?access_token=). Returns a function that closes it. The browser reconnects by itself.
export function openEvents(
  path: string,
  handlers: Record<string, (data: unknown) => void>,
  onState?: (open: boolean) => void,
): () => void {
  const t = token();
  const url = `${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(t ?? '')}`;
  const source = new EventSource(url);
  for (const [type, handler] of Object.entries(handlers)) {
    source.addEventListener(type, (event) => {
      try {
        handler(JSON.parse((event as MessageEvent<string>).data));
      } catch {
        // a malformed event is skipped
      }
    });
  }
  source.onopen = () => onState?.(true);
  source.onerror = () => onState?.(false);
  return () => source.close();
}
