/** A minimal JSON client of the two REST APIs, as any HTTP client would use them. */
export interface ApiResponse {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

export interface ApiClient {
  call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options?: { token?: string; body?: unknown },
  ): Promise<ApiResponse>;
}

export function apiClient(baseUrl: string): ApiClient {
  return {
    async call(method, path, { token, body } = {}) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(new URL(path, baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.status, body: parsed, text, headers: response.headers };
    },
  };
}
