import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      '.kcops/',
      'docs/.vitepress/dist/',
      'docs/.vitepress/cache/',
      'test-artifacts/',
      '.devhome/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The core never writes to the terminal (ARCHITECTURE: cli → core); only src/cli may.
      'no-console': 'off',
    },
  },
  {
    // ARCHITECTURE: nothing outside a backend's folder names its class; code asks core/environment for the backend.
    files: ['src/**/*.ts'],
    ignores: ['src/connect/self-managed/**', 'src/connect/confluent-cloud/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/connect/**'],
              importNames: ['SelfManagedCluster', 'ConfluentCloudCluster'],
              message: "Open the environment's backend with core/environment (openEnvironment) instead.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/dev/**/*.ts', 'src/connect/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='exit']", message: 'Only the CLI exits.' },
      ],
    },
  },
);
