// ESLint over the whole repository: Next's rules (core web vitals) and TypeScript's.
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      // A leading underscore marks a value left unused on purpose (a destructured rest, a callback's argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // These three check code written for the React Compiler, which this site does not use: the widgets
      // mirror their latest callbacks into refs during render and start work in effects, the ordinary
      // React 19 patterns. The classic hook rules (rules-of-hooks, exhaustive-deps) stay on.
      'react-hooks/refs': 'off',
      'react-hooks/set-state-in-effect': 'off',
      'react-hooks/use-memo': 'off',
    },
  },
  {
    ignores: ['.next/**', 'out/**', 'node_modules/**', 'public/**', 'artifacts/**', 'checkpoints/**', 'next-env.d.ts'],
  },
];

export default config;
