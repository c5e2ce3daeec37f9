// SPDX-License-Identifier: Apache-2.0
// One lint configuration for every workspace.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Sources are linted with type information (typescript-eslint's strictTypeChecked +
// stylisticTypeChecked); each belongs to a tsconfig.json the project service finds. Tests, benches
// and scripts are outside every tsconfig.json and keep the syntax-only strict + stylistic rules.
const TYPED = ['*/src/**/*.{ts,tsx}', 'network/dev/src/**/*.ts', 'explorer/web/src/**/*.{ts,tsx}'];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      'charts/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  ...tseslint.configs.stylistic,
  {
    languageOptions: {
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    // the explorer's React front end runs in the browser
    files: ['explorer/web/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    languageOptions: {
      globals: { ...globals.browser },
    },
  },
  {
    // tests index into known fixtures; a wrong guess fails the test anyway
    files: ['**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Tests and their support code are linted with types too, for the rules that catch wrong code
    // rather than style: promises left floating or misused, `any` leaking out of drivers, objects
    // printed as [object Object], assertions that assert nothing. Each workspace's
    // tsconfig.test.json holds its tests.
    files: ['*/test/**/*.ts', 'network/dev/test/**/*.ts'],
    languageOptions: {
      parserOptions: {
        project: ['./*/tsconfig.test.json', './network/dev/tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-base-to-string': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-misused-spread': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-enum-assignment': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/unbound-method': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: TYPED,
    extends: [...tseslint.configs.strictTypeChecked, ...tseslint.configs.stylisticTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // numbers and booleans print unambiguously; undefined, objects and unions with them stay flagged
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allowNumber: true,
          allowBoolean: true,
          allowAny: false,
          allowNullish: false,
          allowRegExp: false,
          allowNever: false,
        },
      ],
      // `(x) => resolve(x)` style callbacks are idiomatic; void returned from blocks stays flagged
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // the Kubernetes client models and contract data types are data-only classes built from literals
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // async functions that implement Promise-returning contracts keep `async` so throws become rejections
      '@typescript-eslint/require-await': 'off',
      // defensive checks on parsed ledger, HTTP and Kafka data whose static types promise more than runtime does
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // would demand `x!`, which no-non-null-assertion forbids
      '@typescript-eslint/non-nullable-type-assertion-style': 'off',
      // `||` on strings deliberately maps '' to the fallback as well
      '@typescript-eslint/prefer-nullish-coalescing': [
        'error',
        { ignorePrimitives: { string: true } },
      ],
    },
  },
  prettier,
);
