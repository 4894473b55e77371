import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/build/**', '**/.cache/**', '.data/**', 'test-results/**', 'playwright-report/**', 'bench/out/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', fetch: 'readonly', __dirname: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // type-graphql needs classes used only for their decorators and type declarations.
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    // Services own the rules and never depend on the transport.
    files: ['api/src/modules/**/*.service.ts', 'api/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'graphql', message: 'Services must not import graphql.' }, { name: 'type-graphql', message: 'Services must not import type-graphql.' }] }],
    },
  },
  {
    // The job queue is infrastructure the modules use: it names its queues itself and imports no
    // module, so no value cycle can form between it and a service.
    files: ['api/src/jobs/queue.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/modules/**'], message: 'jobs/queue.ts must not import modules: they import it.' }] }],
    },
  },
  {
    // The dashboard talks to the API over GraphQL only.
    files: ['web/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/api/**', '@greenlight/api*'], message: 'The web app talks to the API over GraphQL only.' }] }],
    },
  },
  {
    // API tests send typed documents (graphql() from schema/graphql), so typecheck fails when one no
    // longer matches the schema; text is for documents that must be invalid, and says why.
    files: ['api/test/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='gql'] > :matches(Literal, TemplateLiteral).arguments:first-child",
          message: 'Pass a typed document: server.gql(graphql(`…`), variables). Text only for a document the schema must refuse, with a comment saying so.',
        },
      ],
    },
  },
  {
    // Journeys load documents through support/session.ts, which waits until the page is hydrated.
    files: ['e2e/tests/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.type='MemberExpression'][callee.property.name=/^(goto|reload|goBack|goForward)$/]",
          message: 'Use open(), reload() or loadDocument() from support/session: they wait until the page is ready for input.',
        },
        { selector: 'Literal[value=/data-hydrated/]', message: 'Waiting for hydration belongs in support/session (loadDocument), not in a test.' },
      ],
    },
  },
);
