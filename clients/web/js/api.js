// Talks to souk-bridge: cookie sessions, Connect unary calls (JSON) and Connect server streams (connect+json).
// The session cookie is HttpOnly; every call carries the session's CSRF token in X-CSRF-Token. A call answered
// with `Souk-Session: ended` was served as a visitor's: the page is told it is signed out (souk:signed-out).

let csrfToken = "";

/** A Connect error: `code` is the snake_case Connect code, `httpStatus` the HTTP status (0 for a network error). */
export class ApiError extends Error {
  code;
  httpStatus;

  constructor(code, message, httpStatus = 0) {
    super(message || code);
    this.name = "ApiError";
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

const HTTP_CODES = {
  400: "invalid_argument",
  401: "unauthenticated",
  403: "permission_denied",
  404: "unimplemented",
  408: "deadline_exceeded",
  409: "aborted",
  412: "failed_precondition",
  413: "resource_exhausted",
  415: "internal",
  429: "unavailable",
  431: "resource_exhausted",
  501: "unimplemented",
  502: "unavailable",
  503: "unavailable",
  504: "unavailable",
};

/** True when `error` says the one-time password must be changed before anything else works. */
export function isPasswordChangeRequired(error) {
  return (
    error instanceof ApiError &&
    (error.code === "permission_denied" || error.code === "failed_precondition" || error.code === "unauthenticated") &&
    /one-time password|ChangePassword|password must be changed/i.test(error.message)
  );
}

function announce(error) {
  if (!(error instanceof ApiError)) return;
  if (isPasswordChangeRequired(error)) {
    window.dispatchEvent(new CustomEvent("souk:password-change-required"));
  } else if (error.code === "unauthenticated") {
    csrfToken = "";
    window.dispatchEvent(new CustomEvent("souk:signed-out"));
  }
}

async function errorFrom(response) {
  let code = HTTP_CODES[response.status] ?? "unknown";
  let message = `HTTP ${response.status}`;
  try {
    const body = await response.json();
    if (body && typeof body.code === "string") code = body.code;
    if (body && typeof body.message === "string" && body.message !== "") message = body.message;
  } catch {
    // Not JSON: keep the status-derived code.
  }
  return new ApiError(code, message, response.status);
}

function networkError(error, signal) {
  if (signal?.aborted || error?.name === "AbortError") return new ApiError("canceled", "the request was cancelled", 0);
  return new ApiError("unavailable", "The server cannot be reached. Check the connection and try again.", 0);
}

async function post(path, body, { signal, contentType = "application/json" } = {}) {
  const headers = { "Content-Type": contentType };
  if (csrfToken) headers["X-CSRF-Token"] = csrfToken;
  try {
    return await fetch(path, { method: "POST", headers, body, credentials: "same-origin", signal });
  } catch (error) {
    throw networkError(error, signal);
  }
}

/** One unary call: `call("souk.catalog.v1.OrderService", "GetOrder", {orderId})` → the reply object. */
export async function call(service, method, body = {}, { signal } = {}) {
  const response = await post(`/${service}/${method}`, JSON.stringify(body ?? {}), { signal });
  if (!response.ok) {
    const error = await errorFrom(response);
    announce(error);
    throw error;
  }
  // Answered as a visitor's because the cookie session had ended: the page hears that it is signed out.
  if (response.headers.get("Souk-Session") === "ended" && csrfToken) {
    announce(new ApiError("unauthenticated", "session: expired or unknown, sign in again", response.status));
  }
  try {
    return await response.json();
  } catch (error) {
    throw networkError(error, signal);
  }
}

function envelope(json) {
  const payload = new TextEncoder().encode(JSON.stringify(json ?? {}));
  const bytes = new Uint8Array(5 + payload.length);
  new DataView(bytes.buffer).setUint32(1, payload.length, false);
  bytes.set(payload, 5);
  return bytes;
}

/**
 * A server stream: yields each message object; throws ApiError when the stream ends with an error.
 * `onOpen()` (optional) runs once the server has accepted the stream (HTTP 200), before the first message.
 */
export async function* stream(service, method, body = {}, { signal, onOpen, body: enveloped } = {}) {
  const response = await post(`/${service}/${method}`, enveloped ?? envelope(body), {
    signal,
    contentType: "application/connect+json",
  });
  if (!response.ok) {
    const error = await errorFrom(response);
    announce(error);
    throw error;
  }
  if (!response.body) throw new ApiError("internal", "the browser cannot read a streamed reply", response.status);
  onOpen?.();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = new Uint8Array(0);
  let ended = false;
  try {
    while (!ended) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw networkError(error, signal);
      }
      if (chunk.done) break;
      const joined = new Uint8Array(buffer.length + chunk.value.length);
      joined.set(buffer, 0);
      joined.set(chunk.value, buffer.length);
      buffer = joined;
      while (buffer.length >= 5) {
        const flags = buffer[0];
        const length = new DataView(buffer.buffer, buffer.byteOffset, 5).getUint32(1, false);
        if (buffer.length < 5 + length) break;
        const text = decoder.decode(buffer.subarray(5, 5 + length));
        buffer = buffer.slice(5 + length);
        let message;
        try {
          message = text === "" ? {} : JSON.parse(text);
        } catch {
          throw new ApiError("internal", "the server sent a message that is not JSON", 200);
        }
        if (flags & 0x02) {
          ended = true;
          if (message?.error) {
            const error = new ApiError(message.error.code ?? "unknown", message.error.message ?? "", 200);
            announce(error);
            throw error;
          }
          break;
        }
        yield message;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  if (!ended && !signal?.aborted) {
    throw new ApiError("unavailable", "the live connection closed unexpectedly", 200);
  }
}

/**
 * A client stream: sends `messages` (objects) as one Connect streaming request and returns the single reply;
 * throws ApiError when the end-stream envelope carries an error. The body is built whole: fetch cannot stream a
 * request body over HTTP/1.1.
 */
export async function clientStream(service, method, messages, { signal } = {}) {
  const parts = messages.map((message) => envelope(message));
  const body = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.length;
  }
  let reply = null;
  for await (const message of stream(service, method, null, { signal, body })) {
    reply = message;
  }
  if (reply === null) throw new ApiError("internal", "the server sent no reply", 200);
  return reply;
}

function remember(reply) {
  csrfToken = reply?.signed_in ? (reply.csrf_token ?? "") : "";
  return reply;
}

/** `GET /session` → `{signed_in:false}` or `{signed_in:true, csrf_token, email, roles}`. */
export async function session() {
  let response;
  try {
    response = await fetch("/session", { credentials: "same-origin", headers: { Accept: "application/json" } });
  } catch (error) {
    throw networkError(error);
  }
  if (!response.ok) throw await errorFrom(response);
  return remember(await response.json());
}

/** `POST /session/login`; throws ApiError (unauthenticated, message says when a two-factor code is required). */
export async function signIn({ email, password, totpCode } = {}) {
  const body = { email, password };
  if (totpCode) body.totp_code = totpCode;
  const response = await post("/session/login", JSON.stringify(body));
  if (!response.ok) throw await errorFrom(response);
  return remember(await response.json());
}

/** `POST /session/logout`; the local session is forgotten even when the server refuses. */
export async function signOut() {
  try {
    const response = await post("/session/logout", "{}");
    if (!response.ok && response.status !== 401) throw await errorFrom(response);
  } finally {
    csrfToken = "";
  }
  return { signed_in: false };
}
