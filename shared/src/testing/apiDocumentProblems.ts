interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  responses?: Record<string, { description?: string }>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/**
 * What makes an OpenAPI document unusable in a reference UI or a client generator: `$ref`s to
 * nothing, operations without a summary, operationId, tag or error answer, security schemes that do
 * not exist. An empty list means none of these. (Redocly's lint, `npm run lint:openapi`, checks the rest.)
 */
export function apiDocumentProblems(document: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [, ref] of JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)) {
    if (!ref!.startsWith('#/') || resolvePointer(document, ref!.slice(2)) === undefined)
      problems.push(`dangling $ref ${ref}`);
  }
  const schemes = Object.keys(
    (document.components as { securitySchemes?: Record<string, unknown> } | undefined)?.securitySchemes ?? {},
  );
  const operationIds = new Set<string>();
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS.filter((name) => item[name])) {
      const operation = item[method]!;
      const where = `${method.toUpperCase()} ${path}`;
      if (!operation.summary) problems.push(`${where} has no summary`);
      if (!operation.operationId) problems.push(`${where} has no operationId`);
      else if (operationIds.has(operation.operationId))
        problems.push(`${where} repeats operationId ${operation.operationId}`);
      else operationIds.add(operation.operationId);
      if (!operation.tags?.length) problems.push(`${where} has no tag`);
      if (!operation.security) problems.push(`${where} does not say who may call it (security)`);
      for (const requirement of operation.security ?? [])
        for (const scheme of Object.keys(requirement))
          if (!schemes.includes(scheme)) problems.push(`${where} uses the unknown security scheme ${scheme}`);
      const statuses = Object.keys(operation.responses ?? {});
      if (!statuses.some((status) => /^[45]\d\d$/.test(status))) problems.push(`${where} documents no error answer`);
      for (const status of statuses)
        if (!operation.responses![status]!.description) problems.push(`${where} answer ${status} has no description`);
    }
  }
  return problems;
}

function resolvePointer(document: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .map((part) => decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      document,
    );
}
