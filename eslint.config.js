import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-plugin-prettier/recommended';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * The layers of style.md as import rules: lib and eds know nothing above them; modules (the domain:
 * rules, services, repositories) know nothing of HTTP, pages or the dev stand; routes reach the
 * database only through services. A forbidden arrow fails `npm run lint`.
 */
const WEB = ['**/web/**', '**/routes/**', '**/app.js', '**/server.js', 'express', 'express-*', 'nunjucks'];
const DEV = ['**/devstand/**'];
const layer = (files, groups, message, typeOnly = []) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { group: groups, message },
          ...(typeOnly.length ? [{ group: typeOnly, message, allowTypeImports: true }] : []),
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'var/', 'public/build/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  layer(
    ['src/lib/**/*.ts', 'src/eds/**/*.ts'],
    [...WEB, ...DEV, '**/modules/**', '**/db/**', '**/integrations/**', 'knex'],
    'lib and eds are the bottom layer: they import nothing of the domain, the database or the web.',
  ),
  layer(
    ['src/modules/**/*.ts', 'src/integrations/**/*.ts', 'src/jobs/**/*.ts'],
    [...WEB, ...DEV],
    'The domain knows nothing of HTTP, pages or the dev stand (docs/architecture.md).',
  ),
  // The entry points and the app (src/*.ts: server, worker, app, config…) reach the dev stand only
  // through src/dev-stand-loader.ts, which imports its entry, src/devstand/index.ts, dynamically by a
  // path computed at run time, outside production. A static import (even of a type) would put the
  // dev stand back into the production build (tsconfig.build.json compiles what src imports).
  layer(
    ['src/*.ts'],
    DEV,
    'The dev stand is a plug-in: reach it through src/dev-stand-loader.ts (a dynamic import of src/devstand/index.ts).',
  ),
  layer(
    ['src/routes/**/*.ts', 'src/web/**/*.ts'],
    ['knex', '**/db/**', ...DEV],
    'Routes call services; services own the database (docs/architecture.md).',
    ['**/*-repository.js', '**/repository.js'],
  ),
  {
    files: ['public/js/**/*.js'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        forge: 'readonly',
        WebSocket: 'readonly',
        fetch: 'readonly',
        FileReader: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        FormData: 'readonly',
        URLSearchParams: 'readonly',
        DOMParser: 'readonly',
        Uint8Array: 'readonly',
        HTMLElement: 'readonly',
        HTMLScriptElement: 'readonly',
        HTMLDialogElement: 'readonly',
      },
    },
  },
);
