import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findRepoRoot } from '../src/config';

const root = findRepoRoot();

interface ComposeService {
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number>;
  depends_on?: Record<string, unknown>;
  volumes?: string[];
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };

  it('parses, and every service it builds has a Dockerfile whose COPY sources exist', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'postgres', 'web']);
    for (const [name, service] of Object.entries(compose.services)) {
      if (!service.build) continue;
      const context = path.join(root, service.build.context);
      const dockerfile = path.join(context, service.build.dockerfile);
      expect(existsSync(dockerfile), `${name}: ${dockerfile}`).toBe(true);
      const sources = readFileSync(dockerfile, 'utf8')
        .split('\n')
        .filter((line) => /^COPY (?!--from)/.test(line))
        .flatMap((line) => line.replace(/^COPY /, '').split(/\s+/).slice(0, -1));
      for (const source of sources) expect(existsSync(path.join(context, source)), `${name} copies ${source}`).toBe(true);
    }
  });

  it('runs the API in production mode against the compose PostgreSQL, with secrets from the environment', () => {
    const api = compose.services.api!;
    expect(api.environment).toMatchObject({ NODE_ENV: 'production' });
    expect(String(api.environment!.DATABASE_URL)).toContain('@postgres:5432/');
    expect(String(api.environment!.APP_SECRET)).toMatch(/^\$\{APP_SECRET:\?/);
    expect(compose.services.postgres!.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    expect(compose.volumes).toHaveProperty('postgres-data');
    expect(compose.services.web!.environment!.API_URL).toBe('http://api:4000/graphql');
  });

  it('.env.example names every variable the compose file needs', () => {
    const example = readFileSync(path.join(root, '.env.example'), 'utf8');
    const needed = [...readFileSync(path.join(root, 'docker-compose.yml'), 'utf8').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]);
    for (const name of new Set(needed)) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  });
});
