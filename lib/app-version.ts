/** The app's version, written into submission files (tests/unit/site/app-version.test.ts keeps it equal to package.json's). */
export const APP_VERSION = '0.1.0';
