// The console's only way to the API: same-origin fetch with the console header, so the
// HttpOnly session cookie counts (the server accepts the cookie only with this header).

/** An API answer that was not 2xx, with the API's error code. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const CONSOLE_HEADERS = { 'x-paperlane-console': '1' };

/** Calls the API and returns its JSON (undefined for 204). Throws ApiError otherwise. */
export async function api(method, path, body) {
  const headers = { ...CONSOLE_HEADERS };
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  if (response.status === 204) return undefined;
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    throw new ApiError(
      response.status,
      json?.error?.code ?? `http_${response.status}`,
      json?.error?.message ?? response.statusText,
    );
  }
  return json;
}

/**
 * True when the server does not offer the endpoint at all (an older server, or a
 * part that is switched off): the page then says so instead of showing an error.
 */
export function isUnavailable(error) {
  return (
    error instanceof ApiError &&
    (error.code === 'route_not_found' || error.status === 501 || /_unavailable$/.test(error.code))
  );
}

/** `?a=1&b=2` from the defined entries of an object. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
